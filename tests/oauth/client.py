"""The Python MCP SDK's OAuth client against the server, as claude.ai or ChatGPT would connect.

Usage: client.py <mcp url> <user> <block_dates arguments as JSON>

Discovers the protected resource metadata from the server's 401, the authorization server's
metadata, registers itself (dynamic client registration), signs in as <user> through the
authorization code flow with PKCE, lists and calls tools, then calls a write its first token's
scope does not cover, so the server's 403 makes it step up. The "browser" follows the
authorization server's redirects with the person's sign-in (X-Test-User) until the redirect back
to the client. Prints one JSON object saying what happened.
"""

import asyncio
import json
import sys
from urllib.parse import parse_qs, urljoin, urlparse

import httpx2
from mcp.client.auth import OAuthClientProvider
from mcp.client.session import ClientSession
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.auth import AuthorizationCodeResult, OAuthClientMetadata

REDIRECT = "http://127.0.0.1:9/callback"


class Memory:
    """Token storage for one run."""

    def __init__(self):
        self.tokens = None
        self.client = None

    async def get_tokens(self):
        return self.tokens

    async def set_tokens(self, tokens):
        self.tokens = tokens

    async def get_client_info(self):
        return self.client

    async def set_client_info(self, client_info):
        self.client = client_info


class Browser:
    """A signed-in person's browser: follows redirects until the one back to the client."""

    def __init__(self, user):
        self.user = user
        self.codes = asyncio.Queue()
        self.asked = []

    async def open(self, url):
        self.asked.append(parse_qs(urlparse(url).query).get("scope", [""])[0])
        async with httpx2.AsyncClient(headers={"X-Test-User": self.user}) as http:
            for _ in range(12):
                response = await http.get(url)
                location = response.headers.get("location")
                if not location:
                    raise RuntimeError(f"no redirect from {url}: {response.status_code} {response.text[:300]}")
                location = urljoin(url, location)
                if location.startswith(REDIRECT):
                    query = parse_qs(urlparse(location).query)
                    if "error" in query:
                        raise RuntimeError(f"authorization refused: {query}")
                    first = lambda name: query.get(name, [None])[0]
                    await self.codes.put(AuthorizationCodeResult(code=first("code"), state=first("state"), iss=first("iss")))
                    return
                url = location
        raise RuntimeError("too many redirects")

    async def callback(self):
        return await self.codes.get()


def leaves(error):
    """The messages of the errors an exception group holds, however deep."""
    if isinstance(error, BaseExceptionGroup):
        return [message for inner in error.exceptions for message in leaves(inner)]
    return [f"{type(error).__name__}: {error}"]


async def main(url, user, write_arguments):
    browser = Browser(user)
    metadata = OAuthClientMetadata(
        client_name="hostaway-mcp test client",
        redirect_uris=[REDIRECT],
        grant_types=["authorization_code"],
        response_types=["code"],
    )
    auth = OAuthClientProvider(
        server_url=url,
        client_metadata=metadata,
        storage=Memory(),
        redirect_handler=browser.open,
        callback_handler=browser.callback,
    )
    report = {}
    try:
        async with httpx2.AsyncClient(auth=auth, timeout=30) as http:
            async with streamable_http_client(url, http_client=http) as (read, write):
                async with ClientSession(read, write) as session:
                    await session.initialize()
                    report["tools_first"] = sorted(tool.name for tool in (await session.list_tools()).tools)
                    read_call = await session.call_tool("search_listings", {"limit": 1})
                    report["read_is_error"] = bool(read_call.is_error)
                    write_call = await session.call_tool("block_dates", write_arguments)
                    report["write_is_error"] = bool(write_call.is_error)
                    report["write_text"] = write_call.content[0].text if write_call.content else ""
                    report["tools_after"] = sorted(tool.name for tool in (await session.list_tools()).tools)
    except BaseException as error:  # a step-up the authorization server refused ends the session
        report["failed"] = "; ".join(leaves(error))
    report["scopes_asked"] = browser.asked
    report["registered"] = auth.context.client_info is not None
    print(json.dumps(report))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], json.loads(sys.argv[3])))
