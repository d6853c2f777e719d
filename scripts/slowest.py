"""Print the slowest tests of a pytest JUnit XML report (as written by `pytest --junitxml`), and the count.

    python scripts/slowest.py test-artifacts/ci-junit.xml 15
"""

import sys
import xml.etree.ElementTree as ElementTree


def main(path: str, count: int) -> None:
    cases = ElementTree.parse(path).getroot().iter("testcase")
    timed = sorted(((float(c.get("time", 0)), f"{c.get('classname')}::{c.get('name')}") for c in cases),
                   reverse=True)
    print(f"\nslowest {min(count, len(timed))} of {len(timed)} tests (setup, call and teardown):")
    for seconds, name in timed[:count]:
        print(f"{seconds:8.1f} s  {name}")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 15)
