"""Ranges of the weights or volumes that the variants of one product give in different amounts."""

from decimal import Decimal

# Grams or millilitres in each unit a reader gives weights and volumes in.
IN_BASE_UNIT = {
    "g": Decimal(1),
    "kg": Decimal(1000),
    "oz": Decimal("28.349523125"),
    "lb": Decimal("453.59237"),
    "ml": Decimal(1),
    "l": Decimal(1000),
    "fl oz": Decimal("29.5735295625"),
}
# The step a range is written to in each unit, as a shop shows it: not "14.462 oz" or "414.029413875 ml".
RANGE_STEPS = {
    "g": Decimal(1),
    "kg": Decimal("0.001"),
    "oz": Decimal("0.1"),
    "lb": Decimal("0.01"),
    "ml": Decimal(1),
    "l": Decimal("0.001"),
    "fl oz": Decimal("0.1"),
}


def amount_range(measures: list[tuple[Decimal, str]], base_unit: str) -> tuple[str, str, str]:
    """Write the lowest and highest of amounts given with their units, and the unit they are written in.

    The range is in the unit every amount is given in, or in `base_unit` (g or ml) where units differ, each
    end rounded to that unit's step. Ends that round alike are one amount as a shop writes it.
    """
    units = {unit for _, unit in measures}
    if len(units) == 1:
        (unit,) = units
        amounts = [amount for amount, _ in measures]
    else:
        unit = base_unit
        amounts = [amount * IN_BASE_UNIT[given] for amount, given in measures]
    step = RANGE_STEPS[unit]
    low, high = (format(amount.quantize(step).normalize(), "f") for amount in (min(amounts), max(amounts)))
    return low, high, unit
