"""Units of the figures in copy and specs: each unit's dimension and factor, and the spellings that name it."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Unit:
    """A unit as a multiple of its dimension's base unit; temperatures also carry an offset."""

    dimension: str
    factor: float
    offset: float = 0.0


_LENGTH = {"mm": 1.0, "cm": 10.0, "m": 1000.0, "km": 1e6, "inch": 25.4, "ft": 304.8, "yd": 914.4, "mile": 1609344.0}
_MASS = {"µg": 1e-6, "mg": 0.001, "g": 1.0, "kg": 1000.0, "oz": 28.349523125, "lb": 453.59237}
_VOLUME = {"ml": 1.0, "cl": 10.0, "l": 1000.0, "fl oz": 29.5735295625, "qt": 946.352946, "gal": 3785.411784}
_VOLUME |= {"cu ft": 28316.846592, "cu in": 16.387064, "m³": 1e6}
_TIME = {"s": 1.0, "min": 60.0, "h": 3600.0, "day": 86400.0, "week": 604800.0, "month": 2629800.0, "year": 31557600.0}
_AREA = {"mm²": 1e-6, "cm²": 1e-4, "m²": 1.0, "in²": 0.00064516, "ft²": 0.09290304}
_PRESSURE = {"pa": 1.0, "kpa": 1e3, "mbar": 100.0, "bar": 1e5, "psi": 6894.757293168}
_SPEED = {"m/s": 1.0, "km/h": 1 / 3.6, "mph": 0.44704}
# Torque in newton metres. Inch-pounds and foot-pounds are pound-force, 1 lbf = 4.4482216152605 N (NIST SP 811).
_TORQUE = {"nm": 1.0, "in-lb": 0.0254 * 4.4482216152605, "ft-lb": 0.3048 * 4.4482216152605}
# Energy in joules: 1 Wh = 3600 J, and 1 kcal = 4.184 kJ, the factor of EU Regulation 1169/2011 (Annex XIV)
# for food labels.
_ENERGY = {"kj": 1e3, "kcal": 4184.0, "wh": 3600.0, "kwh": 3.6e6}

UNITS: dict[str, Unit] = {
    **{name: Unit("length", factor) for name, factor in _LENGTH.items()},
    **{name: Unit("mass", factor) for name, factor in _MASS.items()},
    **{name: Unit("volume", factor) for name, factor in _VOLUME.items()},
    **{name: Unit("time", factor) for name, factor in _TIME.items()},
    **{name: Unit("area", factor) for name, factor in _AREA.items()},
    **{name: Unit("speed", factor) for name, factor in _SPEED.items()},
    **{name: Unit("pressure", factor) for name, factor in _PRESSURE.items()},
    **{name: Unit("torque", factor) for name, factor in _TORQUE.items()},
    **{name: Unit("energy", factor) for name, factor in _ENERGY.items()},
    "w": Unit("power", 1.0),
    "kw": Unit("power", 1000.0),
    "v": Unit("voltage", 1.0),
    "mah": Unit("charge", 1.0),
    "ah": Unit("charge", 1000.0),
    "db": Unit("sound level", 1.0),
    # The carat of a gem's weight (0.2 g). The carat of gold's purity ("18ct gold") is "k"; see quantities._scan.
    "ct": Unit("gem weight", 1.0),
    # Degrees of an angle. Without a scale, degrees may also be a temperature (see OTHER_READINGS).
    "°": Unit("angle", 1.0),
    "hz": Unit("frequency", 1.0),
    "rpm": Unit("rotational speed", 1.0),
    "khz": Unit("frequency", 1e3),
    "mhz": Unit("frequency", 1e6),
    "ghz": Unit("frequency", 1e9),
    "mb": Unit("data", 1e6),
    "gb": Unit("data", 1e9),
    "tb": Unit("data", 1e12),
    "mbps": Unit("data rate", 1e6),
    "gbps": Unit("data rate", 1e9),
    # Fabric weight in grams per square metre.
    "g/m²": Unit("areal density", 1.0),
    "°c": Unit("temperature", 1.0),
    "°f": Unit("temperature", 5 / 9, offset=-32.0),
    "%": Unit("percent", 1.0),
    "k": Unit("purity", 1.0),
    "star": Unit("rating", 1.0),
    # Ratings written as a code before the figure (see quantities._RATING).
    "ip": Unit("ingress protection", 1.0),
    "ipx": Unit("water ingress protection", 1.0),
    "spf": Unit("sun protection factor", 1.0),
    "upf": Unit("ultraviolet protection factor", 1.0),
    "ph": Unit("acidity", 1.0),
    "usd": Unit("money USD", 1.0),
    "eur": Unit("money EUR", 1.0),
    "gbp": Unit("money GBP", 1.0),
    "cad": Unit("money CAD", 1.0),
    "aud": Unit("money AUD", 1.0),
    "chf": Unit("money CHF", 1.0),
    "sek": Unit("money SEK", 1.0),
    "nok": Unit("money NOK", 1.0),
    "dkk": Unit("money DKK", 1.0),
    "jpy": Unit("money JPY", 1.0),
}

# Spellings found in copy and specs, mapped to the keys of UNITS.
SPELLINGS: dict[str, str] = {
    **{name: name for name in UNITS},
    "millimetre": "mm",
    "millimeter": "mm",
    "centimetre": "cm",
    "centimeter": "cm",
    "metre": "m",
    "meter": "m",
    "kilometre": "km",
    "kilometer": "km",
    "mtr": "m",
    "yard": "yd",
    "mi": "mile",
    "inches": "inch",
    "in.": "inch",
    '"': "inch",
    "″": "inch",
    # Two apostrophes, as a typewriter writes the double prime ("15.6''").
    "''": "inch",
    "feet": "ft",
    "foot": "ft",
    "gram": "g",
    "gramme": "g",
    "gm": "g",
    "grm": "g",
    # "gr" is grams, as Spanish, Italian and Greek retail copy writes them ("780 gr"). Ammunition and archery
    # write grains so ("55 gr bullet"). A spec key for such a weight ("bullet_weight_gr") is read as grams too, so
    # copy and spec still agree. A grain weight under any other key leaves the copy's "55 gr" flagged for review
    # rather than matched to some other spec 55.
    "gr": "g",
    "milligram": "mg",
    "mcg": "µg",
    "μg": "µg",
    "ug": "µg",
    "microgram": "µg",
    "gsm": "g/m²",
    "g/m2": "g/m²",
    "g/sqm": "g/m²",
    "kilogram": "kg",
    "kilogramme": "kg",
    "kilo": "kg",
    "ounce": "oz",
    "lbs": "lb",
    "pound": "lb",
    "millilitre": "ml",
    "milliliter": "ml",
    "centilitre": "cl",
    "centiliter": "cl",
    "litre": "l",
    "liter": "l",
    "ltr": "l",
    "lt": "l",
    "ℓ": "l",
    # A cubic centimetre is a millilitre and a cubic decimetre a litre.
    "cc": "ml",
    "ccm": "ml",
    "cm³": "ml",
    "cm3": "ml",
    "dm³": "l",
    "dm3": "l",
    "m3": "m³",
    "cubic metre": "m³",
    "cubic meter": "m³",
    "cubic metres": "m³",
    "cubic meters": "m³",
    "fl. oz.": "fl oz",
    "fl. oz": "fl oz",
    "fl.oz.": "fl oz",
    "fl.oz": "fl oz",
    "fl oz.": "fl oz",
    "fluid ounce": "fl oz",
    "fluid ounces": "fl oz",
    "sec": "s",
    "second": "s",
    "minute": "min",
    "mins": "min",
    "secs": "s",
    "hr": "h",
    "hrs": "h",
    "hour": "h",
    "days": "day",
    "weeks": "week",
    "wk": "week",
    "months": "month",
    "mo": "month",
    "mth": "month",
    "yr": "year",
    "yrs": "year",
    "years": "year",
    "watt": "w",
    "kilowatt": "kw",
    "megabyte": "mb",
    "gigabyte": "gb",
    "terabyte": "tb",
    "volt": "v",
    "° c": "°c",
    "° f": "°f",
    "degrees c": "°c",
    "degrees celsius": "°c",
    "degrees f": "°f",
    "degrees fahrenheit": "°f",
    "℃": "°c",
    "℉": "°f",
    "mm2": "mm²",
    "cm2": "cm²",
    "m2": "m²",
    "sq m": "m²",
    "sqm": "m²",
    "sq. m": "m²",
    "sq.m": "m²",
    "square metre": "m²",
    "square meter": "m²",
    "square metres": "m²",
    "square meters": "m²",
    "square foot": "ft²",
    "ft2": "ft²",
    "sq ft": "ft²",
    "sqft": "ft²",
    "sq. ft": "ft²",
    "sq.ft": "ft²",
    "square feet": "ft²",
    "sq in": "in²",
    "sq. in": "in²",
    "sq.in": "in²",
    "square inch": "in²",
    "square inches": "in²",
    "kmh": "km/h",
    "quart": "qt",
    "quarts": "qt",
    "gallon": "gal",
    "gallons": "gal",
    "cubic feet": "cu ft",
    "cubic foot": "cu ft",
    "ft³": "cu ft",
    "cubic inches": "cu in",
    "cubic inch": "cu in",
    "in³": "cu in",
    "ci": "cu in",
    "cu. in": "cu in",
    "cu.in": "cu in",
    "cu. ft": "cu ft",
    "cu.ft": "cu ft",
    "kph": "km/h",
    # Unit words of German, French, Spanish, Italian and Portuguese copy, which would otherwise leave the figure
    # without a unit, free to agree with any spec number.
    "gramm": "g",
    "gramos": "g",
    "gramas": "g",
    "grammi": "g",
    "grammes": "g",
    "kilogramm": "kg",
    "kilogramos": "kg",
    "kilogrammes": "kg",
    "kilos": "kg",
    "litros": "l",
    "litri": "l",
    "litern": "l",
    "mililitros": "ml",
    "millilitri": "ml",
    "zentimeter": "cm",
    "centímetros": "cm",
    "centimetri": "cm",
    "centimètres": "cm",
    "metros": "m",
    "metri": "m",
    "mètres": "m",
    "stunden": "h",
    "stunde": "h",
    "horas": "h",
    "heures": "h",
    "minuten": "min",
    "minutos": "min",
    "minuti": "min",
    "percent": "%",
    "per cent": "%",
    "pct": "%",
    "karat": "k",
    "kt": "k",
    "stars": "star",
    "n·m": "nm",
    "n.m": "nm",
    "newton metre": "nm",
    "newton meter": "nm",
    "in-lbs": "in-lb",
    "in lb": "in-lb",
    "in lbs": "in-lb",
    "in.-lb": "in-lb",
    "in.-lbs": "in-lb",
    "lb-in": "in-lb",
    "inch-pound": "in-lb",
    "inch pound": "in-lb",
    "ft-lbs": "ft-lb",
    "ft lb": "ft-lb",
    "ft lbs": "ft-lb",
    "ft.-lb": "ft-lb",
    "ft.-lbs": "ft-lb",
    "lb-ft": "ft-lb",
    "foot-pound": "ft-lb",
    "foot pound": "ft-lb",
    "amp hour": "ah",
    "amp-hour": "ah",
    "dba": "db",
    "db(a)": "db",
    "decibel": "db",
    "kcals": "kcal",
    "kilocalorie": "kcal",
    # US food labels write kilocalories as Calories.
    "calorie": "kcal",
    "kilojoule": "kj",
    "carat": "ct",
    "cts": "ct",
    "ctw": "ct",
    "ct.": "ct",
    "deg": "°",
    "degree": "°",
    "degrees": "°",
}
# Words that take a plural "s" in copy ("grams", "litres", "watts").
_PLURALS = {"millimetre", "millimeter", "centimetre", "centimeter", "metre", "meter", "gram", "kilogram", "ounce"}
_PLURALS |= {"microgram"}
_PLURALS |= {"pound", "millilitre", "milliliter", "litre", "liter", "second", "minute", "hour", "watt", "volt"}
_PLURALS |= {"newton metre", "newton meter", "inch-pound", "inch pound", "foot-pound", "foot pound", "amp hour"}
_PLURALS |= {"amp-hour", "decibel", "kilocalorie", "calorie", "kilojoule", "carat"}
_PLURALS |= {"gramme", "kilogramme", "milligram", "kilometre", "kilometer", "centilitre", "centiliter", "yard", "mile"}
_PLURALS |= {"kilowatt", "megabyte", "gigabyte", "terabyte"}
# Abbreviations that copy writes with a plural "s" although the standard symbols take none ("22 kgs", "5 ltrs").
_PLURALS |= {"kg", "gm", "grm", "oz", "ltr", "lt", "ml", "gal", "qt", "mm", "cm", "mtr", "km", "yd"}
_PLURALS |= {"wk", "mo", "mth"}
SPELLINGS |= {f"{word}s": SPELLINGS[word] for word in _PLURALS}

CURRENCY_SYMBOLS = {"$": "usd", "€": "eur", "£": "gbp"}
# A currency mark after a figure is its unit ("119 €", "20 euros"), as a code such as "EUR" already is.
SPELLINGS |= CURRENCY_SYMBOLS | {"euro": "eur", "euros": "eur"}
CURRENCY_CODES = [name for name, unit in UNITS.items() if unit.dimension.startswith("money ")]

# Written forms of the units whose keys are in lower case, for messages.
_SYMBOLS = {
    "w": "W", "kw": "kW", "v": "V", "wh": "Wh", "kwh": "kWh", "mah": "mAh", "hz": "Hz", "khz": "kHz",
    "mhz": "MHz", "ghz": "GHz", "mb": "MB", "gb": "GB", "tb": "TB", "mbps": "Mbps", "gbps": "Gbps",
    "°c": "°C", "°f": "°F", "pa": "Pa", "kpa": "kPa", "ip": "IP", "ipx": "IPX", "spf": "SPF", "upf": "UPF",
    "ph": "pH", "k": "K", "nm": "Nm", "ah": "Ah", "db": "dB", "kj": "kJ",
}  # fmt: skip


def unit_symbol(unit: str) -> str:
    """Write a unit key as the unit is written: "mah" as "mAh", "eur" as "EUR"."""
    if unit in UNITS and UNITS[unit].dimension.startswith("money "):
        return unit.upper()
    return _SYMBOLS.get(unit, unit)


# Other units a figure in a unit may mean, tried when the unit itself finds no spec figure. US labels write
# fluid ounces as "oz" ("150 ml / 5 oz"), and degrees without a scale may be an oven's or a wash's temperature
# ("oven safe to 230°", "wash at 30 degrees").
OTHER_READINGS: dict[str, tuple[str, ...]] = {"oz": ("fl oz",), "°": ("°c", "°f")}

# Ratings written as a code before the figure: "IP68", "SPF 50" (see quantities._RATING).
RATING_UNITS = frozenset({"ip", "ipx", "spf", "upf", "ph"})


def unit_key(spelling: str) -> str | None:
    """Look up the UNITS key of a spelling such as 'mm', 'litres', 'W' or a spec unit field's 'in'.

    Returns None for a word that is no unit.
    """
    spelling = spelling.lower()
    return "inch" if spelling == "in" else SPELLINGS.get(spelling)


# Unit words that only a spec key's suffix uses: "wash_temp_c", "max_temp_f".
# An angle is given in degrees ("head_angle": 65.5), as product specs write angles.
_KEY_SUFFIX_UNITS = {"c": "°c", "f": "°f", "celsius": "°c", "fahrenheit": "°f", "angle": "°"}
# One-word keys that name the unit of their value: "carat": 0.5 is a gem's weight, "kcal": 452 its energy. Other
# one-word keys name no unit, even where the word is one ("year": 2003 is no duration).
_UNIT_NAMED_KEYS = {"carat": "ct", "carats": "ct", "karat": "k", "kcal": "kcal", "calories": "kcal", "kj": "kj"}
_UNIT_NAMED_KEYS |= {"age": "year", "ages": "year"}
# Words before "c" or "f" that make the letter a name rather than a temperature: "usb_c", "vitamin_c", "class_f".
LETTER_NAMERS = frozenset(
    {"usb", "type", "vitamin", "class", "grade", "size", "cup", "category", "group", "series", "model", "level"}
    | {"section", "part", "plan", "option", "version", "row", "block", "zone", "band", "port", "ports", "hall"}
)


# Words of a spec key that name something counted or measured, after which a trailing "min" is a minimum
# ("age_min", "players_min"). After any other word it stays minutes ("cook_time_min", "steep_min").
_MINIMUM_OF = frozenset(
    {
        "age",
        "players",
        "player",
        "people",
        "persons",
        "guests",
        "users",
        "riders",
        "children",
        "kids",
        "seats",
        "participants",
        "order",
        "quantity",
        "qty",
        "temperature",
        "temp",
        "pressure",
        "speed",
        "height",
        "width",
        "length",
        "depth",
        "size",
        "weight",
        "load",
        "capacity",
        "voltage",
        "power",
        "range",
    }
)


def minimum_suffix(words: list[str]) -> bool:
    """Tell whether a key's last word "min" means a minimum rather than minutes ("age_min", "players_min")."""
    return len(words) > 1 and words[-1] == "min" and words[-2] in _MINIMUM_OF


def key_unit(key: str) -> str | None:
    """Return the unit a spec table key names in its suffix ("weight_kg", "wash_temp_c", "max_speed_km_h").

    A "c" or "f" after a word such as "usb" or "vitamin" is a name ("ports_usb_c", "vitamin_c"), not a unit.

    A rate in two units that this module does not know ("flow_rate_l_min", "voc_g_l", "coverage_m2_per_l")
    gives the unit before the slash or "per", because copy that writes "50 L/min" or "12 m² per litre" is
    read that way. Its last word alone would make 50 L/min a 50-minute figure.
    """
    words = key.lower().split("_")
    if len(words) == 1:
        return _UNIT_NAMED_KEYS.get(words[0])
    if minimum_suffix(words):
        return "year" if words[0] == "age" else None
    last, before = words[-1], words[-2]
    compound = unit_key(f"{before}/{last}")
    if compound is not None:
        return compound
    if before == "per":
        return unit_key(words[-3]) if len(words) > 2 else None
    if last in ("c", "f") and before in LETTER_NAMERS:
        return None
    if len(words) > 2 and unit_key(before) is not None and _word_unit(last) is not None:
        return unit_key(before)
    if _word_unit(last) is None and ("age" in words or "ages" in words):
        return "year"  # "age_range": "8-12", "min_age": 8
    return _word_unit(last)


def _word_unit(word: str) -> str | None:
    return _KEY_SUFFIX_UNITS.get(word) or unit_key(word)
