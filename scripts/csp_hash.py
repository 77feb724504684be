#!/usr/bin/env python3
"""Trunk post-build hook: admit Trunk's inline loader script into the Content-Security-Policy.

Trunk writes the code that starts the Wasm as an inline <script type="module">. The policy in
index.html allows no inline script except those whose SHA-256 hash it lists; this hook hashes
every inline script of the staged index.html and writes the hashes where the placeholder stands.
It fails the build if the placeholder or the loader is missing, so a policy that would stop the
app from starting is never shipped.
"""

import base64
import hashlib
import os
import re
import sys

PLACEHOLDER = "'sha256-VIGIL_LOADER_HASH'"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.DOTALL | re.IGNORECASE)


def main() -> int:
    staging = os.environ.get("TRUNK_STAGING_DIR")
    if not staging:
        print("csp_hash: TRUNK_STAGING_DIR is not set; run me as a Trunk hook", file=sys.stderr)
        return 1
    path = os.path.join(staging, "index.html")
    with open(path, encoding="utf-8") as page:
        html = page.read()
    if PLACEHOLDER not in html:
        print(f"csp_hash: {path} has no {PLACEHOLDER} in its policy", file=sys.stderr)
        return 1
    scripts = INLINE_SCRIPT.findall(html)
    if not scripts:
        print(f"csp_hash: {path} has no inline loader script to admit", file=sys.stderr)
        return 1
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode() + "'"
        for body in scripts
    )
    with open(path, "w", encoding="utf-8") as page:
        page.write(html.replace(PLACEHOLDER, hashes))
    print(f"csp_hash: admitted {len(scripts)} inline script(s): {hashes}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
