"""Fuzz every surface of the mock at length and print how many inputs each survived.

Usage: ``python benchmarks/fuzz.py [--examples N]``. Exits non-zero if any input broke a surface.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.fuzz_surfaces import SURFACES
from tests.mockserver.test_properties import test_any_path_and_method_gets_an_answer
from tests.mockserver.test_properties import (
    test_token_endpoint_never_5xx_and_always_a_documented_shape,
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=2000)
    args = parser.parse_args(argv)
    total = 0
    print(f"pm3-mockserver fuzzing, {args.examples} examples per surface")
    for name, fuzz in SURFACES.items():
        started = time.perf_counter()
        tried = fuzz(args.examples)
        total += tried
        rate = tried / (time.perf_counter() - started)
        print(f"  {name:<16} {tried:>7,} inputs  {rate:>8,.0f}/s  no 5xx, no exception")
    for name, test in (
        ("token endpoint", test_token_endpoint_never_5xx_and_always_a_documented_shape),
        ("any path/method", test_any_path_and_method_gets_an_answer),
    ):
        started = time.perf_counter()
        from hypothesis import settings

        settings.register_profile("fuzz", max_examples=args.examples, deadline=None, database=None)
        settings.load_profile("fuzz")
        test()
        total += args.examples
        print(
            f"  {name:<16} {args.examples:>7,} inputs  {args.examples / (time.perf_counter() - started):>8,.0f}/s  no 5xx, documented shapes"
        )
    print(f"  {'total':<16} {total:>7,} inputs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
