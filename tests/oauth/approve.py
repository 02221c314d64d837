"""The Python MCP SDK 2.x client as a host that asks its user before a write.

Usage: approve.py <mcp url> <mode: legacy | 2026-07-28> <answer: accept | decline> <tool> <arguments as JSON>

Declares elicitation and calls <tool> with confirm: true. In `legacy` mode (an initialize
handshake, a 2025 session) the server asks through elicitation/create; in `2026-07-28` it answers
input_required and the SDK asks the same callback, then calls again. The callback answers as the
person would and keeps what they were shown. Prints one JSON object saying what happened.
"""

import asyncio
import json
import sys

from mcp import Client, types


async def main():
    url, mode, answer, tool, arguments = sys.argv[1:6]
    asked = []

    async def person(context, params):
        asked.append(params.message)
        if answer == "accept":
            return types.ElicitResult(action="accept", content={"apply": True})
        return types.ElicitResult(action=answer)

    async with Client(url, mode=mode, elicitation_callback=person) as client:
        result = await client.call_tool(tool, {**json.loads(arguments), "confirm": True})
        protocol = client.protocol_version
    texts = [block.text for block in result.content if getattr(block, "text", None)]
    print(
        json.dumps(
            {
                "protocol": protocol,
                "asked": asked,
                "is_error": bool(result.is_error),
                "structured": result.structured_content,
                "text": texts,
            }
        )
    )


asyncio.run(main())
