#!/usr/bin/env python3
"""Sluice's protocol code generator (Python 3, standard library only).

    generate.py SCHEMA_DIR OUT_DIR          write the C++ files
    generate.py --list SCHEMA_DIR OUT_DIR   print the .cc files it would write

Reads every *.schema file and errors.table under SCHEMA_DIR and writes C++ into
OUT_DIR/protocol/generated (messages, error codes, API table) and
OUT_DIR/tests/protocol/generated (value fillers for the round-trip tests).
Files whose content did not change are left untouched so rebuilds stay small.
"""
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

from cpp_message import Emitter  # noqa: E402
from cpp_tables import api_files, error_files, fill_files, message_list, parse_errors, BANNER  # noqa: E402
from schema import load_all, snake  # noqa: E402


LIST_ONLY = False


def write(path, text, written):
    written.add(path)
    if LIST_ONLY:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text() != text:
        path.write_text(text)


def main():
    global LIST_ONLY
    args = sys.argv[1:]
    if args and args[0] == "--list":
        LIST_ONLY = True
        args = args[1:]
    if len(args) != 2:
        sys.exit(__doc__)
    schema_dir, out_dir = pathlib.Path(args[0]), pathlib.Path(args[1])
    gen = out_dir / "protocol" / "generated"
    fill = out_dir / "tests" / "protocol" / "generated"
    written = set()
    messages = load_all(schema_dir)
    names = [m.name for m in messages]
    if len(set(names)) != len(names):
        sys.exit("duplicate message names")
    stems = {m.name: snake(m.name) for m in messages}
    fill_decls = []
    for m in messages:
        e = Emitter(m)
        write(gen / (stems[m.name] + ".h"), e.header(stems[m.name]), written)
        write(gen / (stems[m.name] + ".cc"), e.source(stems[m.name]), written)
        text, decl = fill_files(m, stems[m.name])
        write(fill / (stems[m.name] + "_fill.cc"), text, written)
        fill_decls.append(decl)
    h, c = error_files(parse_errors(schema_dir / "errors.table"))
    write(gen / "error_code.h", h, written)
    write(gen / "error_code.cc", c, written)
    h, c = api_files([m for m in messages if m.kind == "request"])
    write(gen / "api_keys.h", h, written)
    write(gen / "api_keys.cc", c, written)
    write(gen / "all_messages.h", message_list(messages, stems), written)
    write(fill / "fill.h", "\n".join([BANNER, "#pragma once", '#include "protocol/generated/all_messages.h"',
                                      '#include "tests/protocol/filler.h"', "",
                                      "namespace sluice::protocol::testing {"] + fill_decls +
                                     ["}  // namespace sluice::protocol::testing", ""]), written)
    if LIST_ONLY:
        for p in sorted(written):
            if p.suffix == ".cc":
                print(p)
        return
    # Drop files of messages that no longer exist.
    for d in (gen, fill):
        for p in d.iterdir():
            if p not in written:
                p.unlink()


if __name__ == "__main__":
    main()
