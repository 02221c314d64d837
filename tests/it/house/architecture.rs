//! The layering docs/ARCHITECTURE.md describes, checked: each tool's name is declared once in its
//! toolset's own file, the tools do not know the server, only `src/hostaway/` builds cache keys
//! and scopes, and README's tool table says what the declarations say.

use std::{
    collections::BTreeMap,
    fs,
    path::{Path, PathBuf},
};

use hostaway_mcp::tools::{catalogue, is_write};

/// Every `.rs` file under `dir`, with its text.
fn sources(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut found = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(sources(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = fs::read_to_string(&path).unwrap();
            found.push((path, text));
        }
    }
    found
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

#[test]
fn each_tool_name_is_written_once_in_its_own_toolset() {
    let files = sources(&src());
    let tools = catalogue();
    assert!(!tools.is_empty());
    for (toolset, tool) in tools {
        let literal = format!("\"{}\"", tool.name);
        let holders: Vec<&PathBuf> = files.iter().filter(|(_, text)| text.contains(&literal)).map(|(p, _)| p).collect();
        assert_eq!(holders.len(), 1, "{literal} is written in {holders:?}; declare it once, next to the tool");
        let home = src().join("tools");
        let inside = holders[0].starts_with(home.join(toolset)) || *holders[0] == home.join(format!("{toolset}.rs"));
        assert!(inside, "{} is declared in {:?}, outside the {toolset} toolset", tool.name, holders[0]);
    }
}

#[test]
fn the_tools_do_not_import_the_server() {
    for (path, text) in sources(&src().join("tools")) {
        assert!(!text.contains("crate::server"), "{path:?} imports the server");
        assert!(!text.contains("HostawayServer"), "{path:?} names the server");
    }
}

#[test]
fn only_the_hostaway_layer_builds_cache_keys_and_scopes() {
    let hostaway = src().join("hostaway");
    for (path, text) in sources(&src()).into_iter().filter(|(path, _)| !path.starts_with(&hostaway)) {
        for word in ["ReadKey", "Scope::", "cache::Scope"] {
            // The word itself, not the end of a longer name (rmcp's `CacheScope::Public`).
            let used = text.match_indices(word).any(|(at, _)| {
                !text[..at].chars().next_back().is_some_and(|before| before.is_alphanumeric() || before == '_')
            });
            assert!(!used, "{path:?} uses {word}: only src/hostaway/ knows cache keys and scopes");
        }
    }
}

/// README's tool table: each row's tools, toolset, whether it says "(write)", and the bytes it
/// gives each tool.
fn readme_rows() -> BTreeMap<String, (String, bool, usize)> {
    let readme = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let table = readme.split("| tool | toolset |").nth(1).expect("README has the tool table");
    let mut rows = BTreeMap::new();
    for line in table.lines().skip(2).take_while(|line| line.starts_with('|')) {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let (names, toolset, what, bytes) = (cells[1], cells[2], cells[3], cells[5]);
        let bytes: Vec<usize> = bytes.split('/').map(|b| b.trim().replace(',', "").parse().unwrap()).collect();
        for (i, name) in names.split('/').map(|n| n.trim().trim_matches('`')).enumerate() {
            let row = (toolset.to_string(), what.contains("(write)"), bytes[i]);
            let previous = rows.insert(name.to_string(), row);
            assert!(previous.is_none(), "README lists {name} twice");
        }
    }
    rows
}

#[test]
fn readmes_tool_table_matches_the_declarations() {
    let rows = readme_rows();
    let declared: BTreeMap<String, (String, bool, usize)> = catalogue()
        .into_iter()
        .map(|(toolset, tool)| {
            let bytes = serde_json::to_string(&tool).unwrap().len();
            (tool.name.to_string(), (toolset.to_string(), is_write(&tool), bytes))
        })
        .collect();
    for (name, (toolset, write, bytes)) in &declared {
        let row = rows.get(name).unwrap_or_else(|| panic!("README's tool table has no row for {name}"));
        assert_eq!(&row.0, toolset, "README puts {name} in the wrong toolset");
        assert_eq!(row.1, *write, "README's \"(write)\" mark for {name} is wrong");
        let off = row.2.abs_diff(*bytes) as f64 / *bytes as f64;
        assert!(off <= 0.1, "README gives {name} {} bytes in tools/list; it is {bytes}", row.2);
    }
    for name in rows.keys() {
        assert!(declared.contains_key(name), "README lists {name}, which no toolset declares");
    }
}

#[test]
fn every_readme_table_renders_its_delimiter_row_has_as_many_cells_as_its_header() {
    let readme = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let lines: Vec<&str> = readme.lines().collect();
    let cells = |line: &str| line.trim().trim_matches('|').split('|').count();
    let is_delimiter = |line: &str| {
        line.starts_with('|')
            && line.trim_matches('|').split('|').all(|c| !c.is_empty() && c.chars().all(|ch| "-: ".contains(ch)))
    };
    let mut tables = 0;
    for pair in lines.windows(2) {
        if pair[0].starts_with('|') && is_delimiter(pair[1]) {
            tables += 1;
            assert_eq!(
                cells(pair[1]),
                cells(pair[0]),
                "the table under {:?} has a delimiter row of {:?}",
                pair[0],
                pair[1]
            );
        }
    }
    assert!(tables >= 4, "README's tables were found ({tables})");
}
