//! Matching names the way people type them: "Muller" finds "Müller", "lisbon" finds "Lisbon",
//! "Sao" finds "São". Hostaway's own filters compare exactly, so tools match locally with these.

use unicode_normalization::{UnicodeNormalization, char::is_combining_mark};

/// `text` without accents (NFD, combining marks dropped) and in lowercase, for comparing.
pub fn fold(text: &str) -> String {
    text.nfd().filter(|c| !is_combining_mark(*c)).flat_map(char::to_lowercase).collect::<String>().trim().to_string()
}

/// Whether `haystack` contains `needle`, ignoring case and accents.
pub fn contains(haystack: &str, needle: &str) -> bool {
    fold(haystack).contains(&fold(needle))
}

/// Whether two names are the same, ignoring case and accents.
pub fn same(a: &str, b: &str) -> bool {
    fold(a) == fold(b)
}

/// The (at most three) `known` names closest to `wanted`, closest first, so an unknown name can be
/// answered with what the user probably meant.
pub fn closest<'a>(wanted: &str, known: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let wanted = fold(wanted);
    let mut scored: Vec<(f64, &str)> =
        known.into_iter().map(|name| (strsim::normalized_damerau_levenshtein(&wanted, &fold(name)), name)).collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(3).map(|(_, name)| name.to_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_and_accents_do_not_matter_and_near_names_are_offered() {
        assert!(contains("Lena Müller", "muller"));
        assert!(contains("Rua de São Paulo", "SAO PAULO"));
        assert!(same("Lisbon", "LISBON"));
        assert!(!same("Lisbon", "Lisboa"));
        assert_eq!(closest("Lisboa", ["Berlin", "Lisbon", "Porto"])[0], "Lisbon");
    }
}
