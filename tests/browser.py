"""Debian's chromium as every browser test launches it (no `playwright install`: see ../shared/STACK.md)."""

CHROMIUM = "/usr/lib/chromium/chromium"  # the binary; /usr/bin/chromium is a wrapper that prints shell noise
# Without the background-networking flags chromium keeps trying Google's hosts, which this closed network refuses.
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
