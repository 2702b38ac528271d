"""Colour name benchmark: precision and recall of the variant_color_name flag on labelled name and hex pairs.

bench/color_names.csv contains colour names as shops write them with a color_hex,
each labelled with a shopper's verdict:

- pass: the hex is a colour the name may stand for. These are catalog colours
  of metals, electronics, fashion, home and outdoor products (pale editions,
  washed fabrics, teal blues, tactical greens), names without colour words
  ("Champagne", "Oatmeal") and names in other languages, which the check
  skips;
- flag: the name plainly names another colour ("Navy" for #ADD8E6, "Gold" for
  #C0C0C0, "Beige" for #000000);
- unclear: shoppers would disagree ("Navy" for indigo #4B0082, "Rose Gold" for
  a yellow gold, "Vintage Black" for a mid grey). These are listed but left out
  of the figures.

Each pair becomes a one-variant spec built on examples/daypack.json and goes
through color_name_checks, the function the consistency engine runs for the
flag. Precision is the share of flags that the labels call for, recall the
share of flag pairs that are flagged. Usage:

    .venv/bin/python bench/color_names.py
"""

import csv
import json
from pathlib import Path

from spec2listing.consistency.color_names import color_name_checks
from spec2listing.models.spec import ProductSpec

ROOT = Path(__file__).resolve().parent.parent
PAIRS = ROOT / "bench" / "color_names.csv"
BASE_SPEC = json.loads((ROOT / "examples" / "daypack.json").read_text(encoding="utf-8"))


def flagged(name: str, color_hex: str) -> tuple[bool, str]:
    """Run the check on a one-variant spec and return whether it flags the pair, with the flag's detail."""
    spec = ProductSpec.model_validate(dict(BASE_SPEC, variants=[{"sku": "X-1", "color": name, "color_hex": color_hex}]))
    failed = [result.detail for result in color_name_checks(spec) if not result.passed]
    return bool(failed), failed[0] if failed else ""


def ratio(part: int, whole: int) -> str:
    """Format a share to three decimals, or n/a for an empty whole."""
    return f"{part / whole:.3f}" if whole else "n/a"


def main() -> None:
    """Print the counts, precision and recall, then every false flag, miss and unclear pair."""
    with PAIRS.open(encoding="utf-8", newline="") as handle:
        pairs = list(csv.DictReader(handle))
    false_flags, misses, unclear = [], [], []
    true_flags = 0
    for pair in pairs:
        flag, detail = flagged(pair["name"], pair["hex"])
        line = f"  {pair['name']!r} {pair['hex']} ({pair['note']})"
        if pair["expected"] == "unclear":
            unclear.append(f"{line}: {'flagged' if flag else 'passed'}")
        elif pair["expected"] == "flag":
            true_flags += flag
            if not flag:
                misses.append(line)
        elif flag:
            false_flags.append(f"{line}: {detail}")
    should_pass = sum(pair["expected"] == "pass" for pair in pairs)
    should_flag = sum(pair["expected"] == "flag" for pair in pairs)
    print(f"pairs: {len(pairs)} ({should_pass} pass, {should_flag} flag, {len(unclear)} unclear, not counted)")
    false_share = ratio(len(false_flags), should_pass)
    print(f"flags: {true_flags + len(false_flags)}, of which false: {len(false_flags)} ({false_share} of pass pairs)")
    print(f"precision: {ratio(true_flags, true_flags + len(false_flags))}")
    print(f"recall: {ratio(true_flags, should_flag)}")
    for title, lines in (("false flags", false_flags), ("misses", misses), ("unclear", unclear)):
        print(f"{title}: {len(lines)}")
        for line in lines:
            print(line)


if __name__ == "__main__":
    main()
