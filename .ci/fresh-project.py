"""A new project that follows the README's "Use the mock in your own tests": its
dev-dependencies and its test file are the README's blocks marked `fresh-project`,
with the crate's path pointed at this checkout. Prints the project's directory."""

import pathlib
import re
import sys

root = pathlib.Path(__file__).resolve().parent.parent
out = pathlib.Path(sys.argv[1]).resolve()
readme = (root / "README.md").read_text()
blocks = dict(
    re.findall(r"<!-- fresh-project: (\S+) -->\n```\w+\n(.*?)```", readme, re.S)
)
if set(blocks) != {"Cargo.toml", "tests/mock.rs", "tests/sign_in.rs"}:
    sys.exit(f"the README's fresh-project blocks are {sorted(blocks)}")
deps = blocks["Cargo.toml"]
line = re.compile(r'^myid-conformance = \{ path = "[^"]*" \}$', re.M)
if not line.search(deps):
    sys.exit("the README's dev-dependency on myid-conformance is not a path")
deps = line.sub(f'myid-conformance = {{ path = "{root}" }}', deps)
(out / "src").mkdir(parents=True, exist_ok=True)
(out / "tests").mkdir(exist_ok=True)
(out / "Cargo.toml").write_text(
    '[package]\nname = "my-service"\nversion = "0.1.0"\nedition = "2024"\n\n'
    "[workspace]\n\n" + deps
)
(out / "src" / "lib.rs").write_text("//! A service that calls MyID.\n")
for name, text in blocks.items():
    if name.startswith("tests/"):
        (out / name).write_text(text)
print(out)
