"""Akeneo products as the REST API returns them: one product, a page of them, or JSON lines.

Values are keyed by attribute code, and each attribute contains entries with a
`locale` and a `scope` (channel). The locale and channel to read are options;
where an attribute has entries for several locales or channels and no option
picks one, the product is rejected and the error names the option.

Spec fields come from attributes with common codes (name, description, brand,
price, weight, color, material, ...), or the codes given by option
attributes. Metric values are converted to the spec's units, price collections
are read in option currency (or their only currency), and select options, which
the API returns as codes, are turned into words. Variant products that share a
`parent` product model become one spec with one variant per colour. Other
attributes become `specs`, except identifiers and media.
"""

import json
import re
from collections import Counter
from decimal import Decimal, Inexact, InvalidOperation, localcontext
from typing import Any, NamedTuple

from spec2listing.errors import FieldError
from spec2listing.intake.colors import humanize_code, resolve_color, unresolved_color
from spec2listing.intake.field_errors import format_location, join_path, show_value
from spec2listing.intake.markup import description_text
from spec2listing.intake.options import ReadOptions
from spec2listing.intake.parse import ReadResult, Rejection, SpecCandidate, file_rejection
from spec2listing.intake.ranges import IN_BASE_UNIT, RANGE_STEPS, amount_range
from spec2listing.intake.variant_skus import VariantSkus
from spec2listing.types import MAX_MEASURE

DEFAULT_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "name": ("name", "title", "product_name"),
    "summary": ("description", "short_description"),
    "brand": ("brand", "manufacturer"),
    "category": ("category",),
    "price": ("price",),
    "weight": ("weight", "net_weight"),
    "volume": ("volume", "net_volume", "capacity"),
    "width": ("width",),
    "depth": ("depth", "length"),
    "height": ("height",),
    "color": ("color", "colour", "main_color"),
    "color_hex": ("color_hex", "hex_color", "colour_hex"),
    "materials": ("material", "materials", "composition"),
    "features": ("features", "key_features"),
}
# The quantity of each measured spec field, which names its units below.
_QUANTITIES = {"weight": "weight", "volume": "volume", "width": "length", "depth": "length", "height": "length"}
# The unit a range of weights or volumes given in several units is written in.
_BASE_UNITS = {"weight": "g", "volume": "ml"}
# Akeneo measurement units per spec quantity: unit code -> (spec unit, factor). The codes are those of
# Akeneo's standard Weight, Volume and Length families (MeasurementInstaller of pim-community-dev) that
# product data uses. Akeneo's conversion factors make its volume OUNCE, PINT and GALLON
# imperial units, but they are read as the US fluid ounce, pint (16 fl oz) and gallon (128 fl oz).
# NOTE: a catalog that means imperial pints or gallons gets volumes 17% low. UK and EU catalogs state
# volumes in litres, so a pint or gallon in product data is most likely a US one.
UNITS: dict[str, dict[str, tuple[str, Decimal]]] = {
    "weight": {
        "MICROGRAM": ("g", Decimal("0.000001")),
        "MILLIGRAM": ("g", Decimal("0.001")),
        "GRAM": ("g", Decimal(1)),
        "KILOGRAM": ("kg", Decimal(1)),
        "TON": ("kg", Decimal(1000)),
        "OUNCE": ("oz", Decimal(1)),
        "POUND": ("lb", Decimal(1)),
    },
    "volume": {
        "MICROLITER": ("ml", Decimal("0.001")),
        "CUBIC_MILLIMETER": ("ml", Decimal("0.001")),
        "MILLILITER": ("ml", Decimal(1)),
        "CUBIC_CENTIMETER": ("ml", Decimal(1)),
        "CENTILITER": ("ml", Decimal(10)),
        "DECILITER": ("ml", Decimal(100)),
        "LITER": ("l", Decimal(1)),
        "CUBIC_DECIMETER": ("l", Decimal(1)),
        "HECTOLITER": ("l", Decimal(100)),
        "CUBIC_METER": ("l", Decimal(1000)),
        "OUNCE": ("fl oz", Decimal(1)),
        "PINT": ("fl oz", Decimal(16)),
        "GALLON": ("fl oz", Decimal(128)),
        # Custom codes that name the US units outright: LIQUID_* as some catalogs define them, and *_US as
        # Akeneo's ExtendedMeasureBundle does.
        "LIQUID_PINT": ("fl oz", Decimal(16)),
        "LIQUID_QUART": ("fl oz", Decimal(32)),
        "LIQUID_GALLON": ("fl oz", Decimal(128)),
        "PINT_US": ("fl oz", Decimal(16)),
        "QUART_US": ("fl oz", Decimal(32)),
        "GALLON_US": ("fl oz", Decimal(128)),
        # An inch is exactly 25.4 mm, so a cubic inch is exactly 16.387064 ml.
        "CUBIC_INCH": ("l", Decimal("0.016387064")),
        "CUBIC_FOOT": ("l", Decimal("28.316846592")),
        "CUBIC_YARD": ("l", Decimal("764.554857984")),
    },
    "length": {
        "MICROMETER": ("mm", Decimal("0.001")),
        "MILLIMETER": ("mm", Decimal(1)),
        "CENTIMETER": ("cm", Decimal(1)),
        "DECIMETER": ("cm", Decimal(10)),
        "METER": ("m", Decimal(1)),
        "DEKAMETER": ("m", Decimal(10)),
        "HECTOMETER": ("m", Decimal(100)),
        "KILOMETER": ("m", Decimal(1000)),
        "MIL": ("in", Decimal("0.001")),
        "INCH": ("in", Decimal(1)),
        "FEET": ("in", Decimal(12)),
        "YARD": ("in", Decimal(36)),
        "MILE": ("in", Decimal(63360)),
    },
}
# Units whose exact conversion has more decimals than a shop writes (2400 cubic inches are 39.3289536 l).
# They are rounded to 0.001 l, the step of volume ranges, and every other conversion is exact.
ROUNDED_UNITS = frozenset({"CUBIC_INCH", "CUBIC_FOOT", "CUBIC_YARD"})
# Symbols for Akeneo measurement unit codes in `specs` values, so that copy writes "220 °C", not "220 celsius".
# A code not listed is written in lower-case words, plural for an amount other than 1 ("2 years").
UNIT_SYMBOLS = {
    "PERCENT": "%",
    "MMHG": "mmHg",
    "ATM": "atm",
    "TORR": "Torr",
    "CELSIUS": "°C",
    "FAHRENHEIT": "°F",
    "KELVIN": "K",
    "MILLIWATT": "mW",
    "WATT": "W",
    "KILOWATT": "kW",
    "MILLIVOLT": "mV",
    "VOLT": "V",
    "KILOVOLT": "kV",
    "MILLIAMPERE": "mA",
    "AMPERE": "A",
    "MILLIAMPEREHOUR": "mAh",
    "AMPEREHOUR": "Ah",
    "WATTHOUR": "Wh",
    "KILOWATTHOUR": "kWh",
    "HERTZ": "Hz",
    "KILOHERTZ": "kHz",
    "MEGAHERTZ": "MHz",
    "GIGAHERTZ": "GHz",
    "MILLISECOND": "ms",
    "SECOND": "s",
    "MINUTE": "min",
    "HOUR": "h",
    "MILLIMETER": "mm",
    "CENTIMETER": "cm",
    "DECIMETER": "dm",
    "METER": "m",
    "KILOMETER": "km",
    "INCH": "in",
    "FEET": "ft",
    "YARD": "yd",
    "MILE": "mi",
    "SQUARE_MILLIMETER": "mm²",
    "SQUARE_CENTIMETER": "cm²",
    "SQUARE_METER": "m²",
    "SQUARE_KILOMETER": "km²",
    "SQUARE_INCH": "in²",
    "SQUARE_FOOT": "ft²",
    "HECTARE": "ha",
    "MICROGRAM": "µg",
    "MILLIGRAM": "mg",
    "GRAM": "g",
    "KILOGRAM": "kg",
    "TON": "t",
    "POUND": "lb",
    "OUNCE": "oz",
    "MILLILITER": "ml",
    "CENTILITER": "cl",
    "DECILITER": "dl",
    "LITER": "l",
    "HECTOLITER": "hl",
    "CUBIC_CENTIMETER": "cm³",
    "CUBIC_METER": "m³",
    "CUBIC_INCH": "in³",
    "CUBIC_FOOT": "ft³",
    "REVOLUTION_PER_MINUTE": "rpm",
    "METER_PER_SECOND": "m/s",
    "MILE_PER_HOUR": "mph",
    "PASCAL": "Pa",
    "HECTOPASCAL": "hPa",
    "KILOPASCAL": "kPa",
    "MILLIBAR": "mbar",
    "JOULE": "J",
    "KILOJOULE": "kJ",
    "KILOCALORIE": "kcal",
    "OHM": "Ω",
    "NEWTON": "N",
    "DECIBEL": "dB",
    "LUMEN": "lm",
    "LUX": "lx",
    "BAR": "bar",
    "PSI": "psi",
    "KILOMETER_PER_HOUR": "km/h",
    "BYTE": "B",
    "KILOBYTE": "kB",
    "MEGABYTE": "MB",
    "GIGABYTE": "GB",
    "TERABYTE": "TB",
}
_KNOWN_UNITS = {code for units in UNITS.values() for code in units} | set(UNIT_SYMBOLS)
MM_PER_UNIT = {"mm": Decimal(1), "cm": Decimal(10), "m": Decimal(1000), "in": Decimal("25.4")}
# Attribute codes that identify or hold media rather than describe the product.
EXCLUDED_CODES = re.compile(
    r"(^|_)(sku|ean|upc|gtin|isbn|mpn|barcode|erp|supplier|internal|id|uuid"
    r"|image|images|picture|photo|asset|assets|media|file|document|video)(_|$)"
)
NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")
MEDIA_PATH = re.compile(r"^[0-9a-f]/[0-9a-f]/|\.(jpe?g|png|gif|webp|tiff?|pdf|mp4)$", re.IGNORECASE)


def is_akeneo_product(item: dict[str, Any]) -> bool:
    """Check whether a JSON object has the shape of an Akeneo product."""
    markers = ("identifier", "uuid", "family", "parent")
    return isinstance(item.get("values"), dict) and any(key in item for key in markers)


def is_product_model(item: dict[str, Any]) -> bool:
    """Check whether a JSON object is an Akeneo product model, as the API's /product-models returns them."""
    return isinstance(item.get("code"), str) and "family_variant" in item and not {"identifier", "uuid"} & set(item)


def identifier_of(item: dict[str, Any]) -> str:
    """Return the product identifier: `identifier`, or the `sku` value of products fetched by UUID."""
    identifier = item.get("identifier")
    if isinstance(identifier, str) and identifier.strip():
        return identifier.strip()
    values = item.get("values")
    entries = values.get("sku") if isinstance(values, dict) else None
    if isinstance(entries, list) and entries and isinstance(entries[0], dict):
        return str(entries[0].get("data") or "").strip()
    return ""


def read_akeneo(
    file: str,
    items: list[tuple[str, dict[str, Any]]],
    options: ReadOptions,
    format_name: str,
    *,
    listed_colors: dict[str, str] | None = None,
) -> ReadResult:
    """Group variant products by product model and map each group to one spec candidate.

    `listed_colors` maps colour names (casefolded) to the color_hex a model's last
    listing gave them, for variant products that give no color_hex of their own.
    """
    result = ReadResult(format=format_name)
    groups: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    # Models with variant products in the file; a sub-model's parent is another model, not a listing.
    parents = {
        item["parent"] for _, item in items if not is_product_model(item) and isinstance(item.get("parent"), str)
    }
    for origin, item in items:
        if is_product_model(item):
            result.rejections.append(_product_model(file, origin, str(item["code"]), item["code"] in parents))
            continue
        if not isinstance(item.get("values"), dict):
            result.rejections.append(_values_not_object(file, origin, item))
            continue
        parent = item.get("parent")
        if parent is not None and not isinstance(parent, str):
            rejection = file_rejection(
                file,
                join_path(origin, "parent"),
                "parent is not a product model code",
                "the code of the product model, or null for a product without one",
                show_value(parent),
                origin=origin,
                sku=identifier_of(item) or None,
            )
            result.rejections.append(rejection)
            continue
        identifier = identifier_of(item)
        if not identifier:
            result.rejections.append(
                Rejection(
                    origin=origin,
                    errors=[
                        FieldError(
                            file=file,
                            path=join_path(origin, "identifier"),
                            message="missing product identifier",
                            expected="identifier, or a sku value for products fetched by UUID",
                        )
                    ],
                )
            )
            continue
        enabled = item.get("enabled")
        if enabled is not None and not isinstance(enabled, bool):
            rejection = file_rejection(
                file,
                join_path(origin, "enabled"),
                "not true or false",
                "enabled true or false, as the Akeneo API writes it",
                show_value(enabled),
                origin=origin,
                sku=identifier,
            )
            result.rejections.append(rejection)
            continue
        if enabled is False and not options.include_inactive:
            result.rejections.append(_disabled(file, origin, identifier))
            if isinstance(parent, str) and parent and options.variants == "merge":
                result.dropped_variants.setdefault(parent, []).append(identifier)
            continue
        key = f"model {parent}" if isinstance(parent, str) and parent else f"product {identifier}"
        groups.setdefault(key, []).append((origin, item))

    # SKUs a generated variant SKU must not take: every identifier and model code of the file.
    taken = {key.split(" ", 1)[1] for key in groups} | {identifier_of(item) for _, item in items}
    # A document may carry only some variant products of a model (an event about one of them, a page that
    # ends mid-model), so by default their variants update the model's last listing instead of replacing it.
    for key, grouped in groups.items():
        sku = key.split(" ", 1)[1]
        members = grouped
        if key.startswith("product ") and len(grouped) > 1:
            if len({json.dumps(item, sort_keys=True, default=str) for _, item in grouped}) > 1:
                result.rejections.append(_repeated_identifier(file, sku, grouped))
                continue
            members = grouped[:1]  # Copies of one product, as in overlapping pages: read once.
        found = _AkeneoGroup(file, sku, members, options, taken=taken, listed_colors=listed_colors or {}).candidate()
        if isinstance(found, SpecCandidate) and key.startswith("model "):
            found.merge_variants = options.variants == "merge"
            found.members = list(members)
        result.add(found)
    return result


def _repeated_identifier(file: str, identifier: str, members: list[tuple[str, dict[str, Any]]]) -> Rejection:
    """Reject a product given more than once in one file with different values, naming each copy.

    Reading one copy would drop the values of the others without a word, as for a canonical spec given twice.
    """
    errors = [
        FieldError(
            file=file,
            path=join_path(origin, "identifier"),
            value=show_value(identifier),
            message=f"the product appears {len(members)} times in the file with different values",
            expected="each product once, or every copy the same",
        )
        for origin, _ in members
    ]
    return Rejection(sku=identifier, origin=members[0][0], errors=errors)


def _product_model(file: str, origin: str, code: str, variants_in_file: bool) -> Rejection:
    """Reject a product model object: its variant products carry its values and make its listing.

    The rejection has no sku where the file also contains variant products of
    the model, so that it does not reject the listing those make.
    """
    if variants_in_file:
        message = "product models are not read; its variant products in this file make its listing"
        expected = "only variant products in the file; leave the product model out"
    else:
        message = "product models are not read"
        expected = (
            f"its variant products (the API's /products with parent {code}), which carry the model's values "
            f"and make one listing with sku {code}"
        )
    error = FieldError(
        file=file, path=join_path(origin, "code"), value=show_value(code), message=message, expected=expected
    )
    return Rejection(sku=None if variants_in_file else code, origin=origin, errors=[error])


def _values_not_object(file: str, origin: str, item: dict[str, Any]) -> Rejection:
    """Reject an item whose values are missing or not keyed by attribute code, as option format akeneo may bring."""
    identifier = item.get("identifier")
    error = FieldError(
        file=file,
        path=join_path(origin, "values"),
        value=show_value(item.get("values")),
        message="missing values" if item.get("values") is None else "values is not an object",
        expected='an object keyed by attribute code, as the Akeneo API returns: {"name": [{"locale": null, '
        '"scope": null, "data": "Mug"}]}',
    )
    return Rejection(sku=identifier.strip() if isinstance(identifier, str) else None, origin=origin, errors=[error])


def _disabled(file: str, origin: str, identifier: str) -> Rejection:
    error = FieldError(
        file=file,
        path=join_path(origin, "enabled"),
        value="false",
        message="the product is disabled in Akeneo, so no listing is made for it",
        expected="enabled true, or option include_inactive=true to make listings for disabled products too",
    )
    return Rejection(sku=identifier, origin=origin, errors=[error])


class _Values:
    """The attribute values of one product, read for one locale and channel."""

    def __init__(self, file: str, origin: str, item: dict[str, Any], options: ReadOptions) -> None:
        self.file = file
        self.origin = origin
        self.values: dict[str, Any] = item.get("values") or {}
        self.options = options
        self.errors: list[FieldError] = []
        self.other_contexts: dict[str, str] = {}
        # Each attribute's data as the file gives it, before select codes are replaced by their labels, and
        # whether it came with labels (linked_data), which makes it an option code.
        self.raw: dict[str, Any] = {}
        self.linked: dict[str, bool] = {}

    def _readable_context(self, code: str, index: int, entry: Any) -> bool:
        """Tell whether an entry is an object whose locale and scope are codes or null; report one that is not."""
        if not isinstance(entry, dict):
            return False
        for key in ("locale", "scope"):
            value = entry.get(key)
            if value is not None and not isinstance(value, str):
                self.errors.append(
                    FieldError(
                        file=self.file,
                        path=join_path(self.origin, f"values.{code}[{index}].{key}"),
                        value=show_value(value),
                        message=f"not a {key} code",
                        expected=f"a {key} code such as {'en_GB' if key == 'locale' else 'ecommerce'}, or null",
                    )
                )
                return False
        return True

    def path(self, code: str, index: int | None = None) -> str:
        return join_path(self.origin, f"values.{code}" + (f"[{index}].data" if index is not None else ""))

    def pick(self, code: str) -> tuple[Any, str] | None:
        """Read one attribute's value for the options' locale and channel, with its location."""
        entries = self.values.get(code)
        if not isinstance(entries, list):
            return None
        errors_before = len(self.errors)
        found = [(index, entry) for index, entry in enumerate(entries) if self._readable_context(code, index, entry)]
        if len(self.errors) > errors_before:
            return None  # An entry's locale or scope is not a code, and that error names the fix.
        options = (("scope", "channel", self.options.channel), ("locale", "locale", self.options.locale))
        # Filter by every option given before judging the others, so that a locale given settles the channel.
        for key, _, selected in options:
            if selected is not None:
                found = [(index, entry) for index, entry in found if entry.get(key) in (None, selected)]
        for key, option_name, selected in options:
            if selected is not None:
                continue
            present = sorted({str(entry[key]) for _, entry in found if entry.get(key)})
            if len(present) > 1:
                self.errors.append(
                    FieldError(
                        file=self.file,
                        path=self.path(code),
                        value=", ".join(present),
                        message=f"values for several {option_name}s",
                        expected=f"option {option_name}: the {option_name} to read, such as {present[0]}",
                    )
                )
                return None
        if not found:
            described = [entry for entry in entries if isinstance(entry, dict)]
            contexts = sorted({f"{entry.get('locale') or '-'}/{entry.get('scope') or '-'}" for entry in described})
            if contexts:
                self.other_contexts[code] = ", ".join(contexts)
            return None
        found = [(index, entry) for index, entry in found if not _no_data(entry.get("data"))]
        if not found:
            return None
        index, entry = found[0]
        # The API gives an attribute one entry per locale and channel, so two that both fit leave the value open.
        differing = [other for other, candidate in found[1:] if candidate.get("data") != entry.get("data")]
        if differing:
            self.errors.append(
                FieldError(
                    file=self.file,
                    path=self.path(code),
                    value=", ".join(show_value(found_entry.get("data")) for _, found_entry in found),
                    message=f"entries [{index}] and [{differing[0]}] both apply to locale "
                    f"{self.options.locale or '-'} and channel {self.options.channel or '-'} with different data",
                    expected="one entry per locale and channel: remove the extra one",
                )
            )
            return None
        label_locale = self.options.locale or entry.get("locale")
        if label_locale is None:
            differing_labels = _differing_labels(entry)
            if differing_labels:
                self.errors.append(
                    FieldError(
                        file=self.file,
                        path=join_path(self.origin, f"values.{code}[{index}].linked_data"),
                        value=", ".join(differing_labels),
                        message="option labels differ by locale",
                        expected="option locale: the locale whose labels to read, such as "
                        + differing_labels[0].split(": ", 1)[0],
                    )
                )
                return None
        self.raw[code] = entry["data"]
        self.linked[code] = isinstance(entry.get("linked_data"), dict)
        return _with_labels(entry, self.options.locale), self.path(code, index)

    def code_for(self, field: str) -> str | None:
        mapped = self.options.attributes.get(field)
        if mapped is not None:
            return mapped
        return next(
            (code for code in DEFAULT_ATTRIBUTES[field] if code in self.values and self._fits(field, code)), None
        )

    def _fits(self, field: str, code: str) -> bool:
        """Tell whether an attribute found by its usual name can give a measured field.

        "capacity" is a volume for a bottle but a charge for a power bank
        (MILLIAMPEREHOUR) or a count for a tent: an attribute whose metric
        values are all in units known to measure another quantity, or an
        attribute of another name that contains no metric value at all, is not
        read for the field, and stays a spec. A unit not known at all is
        read, and reported.
        """
        quantity = _QUANTITIES.get(field)
        entries = self.values.get(code)
        if quantity is None or not isinstance(entries, list):
            return True
        data = [entry.get("data") for entry in entries if isinstance(entry, dict)]
        units = {str(value["unit"]).upper() for value in data if isinstance(value, dict) and "unit" in value}
        if not units:
            # A number or text under a name other than the field's own ("capacity": "2" persons, "30" litres
            # with no unit) measures nothing the field can take; under the field's own name it is an error.
            return code == field or not any(value not in (None, "", []) for value in data)
        return not units.isdisjoint(UNITS[quantity]) or not units <= _KNOWN_UNITS


def _no_data(data: Any) -> bool:
    """Tell whether an entry's data is empty, as Akeneo leaves it when a value is cleared: a metric may keep
    its unit with a null amount."""
    if isinstance(data, dict) and "unit" in data:
        return data.get("amount") in (None, "")
    return data in (None, "", [])


# Spec fields that only attributes give, and that every spec needs.
_REQUIRED = ("name", "brand", "price")


class _ReadVariant(NamedTuple):
    """The variant one variant product gives, with where its values were read."""

    fields: dict[str, str]
    where: str
    sku_where: str
    parent_where: str
    hex_where: str | None
    unresolved: FieldError | None = None
    # The colour's option code where it is a select option ("signal_red"), which a generated SKU is made
    # of, so that the SKU stays the same in every locale and when a label is edited.
    color_code: str | None = None
    material_code: str | None = None


def _by_given_hex(reads: list[_ReadVariant]) -> list[list[_ReadVariant]]:
    """Split the variant products of one colour by the color_hex they give; those without one join the first."""
    parts: dict[str | None, list[_ReadVariant]] = {}
    for read in reads:
        parts.setdefault(read.fields["color_hex"].upper() if read.hex_where else None, []).append(read)
    given = [part for hex_code, part in parts.items() if hex_code is not None]
    if given:
        given[0].extend(parts.get(None, []))
        return given
    return [parts[None]]


def _option_code(values: "_Values", attribute: str | None) -> str | None:
    """Return the select option code an attribute was read from, or None for text or an unread attribute."""
    raw = values.raw.get(attribute) if attribute else None
    # A value that came with option labels is an option code whatever its form ("NAVY", "col001").
    linked = attribute is not None and values.linked.get(attribute, False)
    return raw if isinstance(raw, str) and raw and (linked or _is_code(raw)) else None


def _sku_words(read: _ReadVariant, *, with_material: bool) -> str:
    """Give the words a generated variant SKU is made of: the colour's code or name, and its material."""
    color = read.color_code or read.fields["color"]
    material = read.material_code or read.fields.get("material")
    return f"{color} {material}" if with_material and material else color


class _AkeneoGroup:
    """One spec built from a product, or from the variant products of one product model."""

    def __init__(
        self,
        file: str,
        sku: str,
        members: list[tuple[str, dict[str, Any]]],
        options: ReadOptions,
        *,
        taken: set[str] | frozenset[str] = frozenset(),
        listed_colors: dict[str, str] | None = None,
    ) -> None:
        self.file = file
        self.sku = sku
        self.options = options
        self.taken = taken
        self.listed_colors = listed_colors or {}
        self.members = [_Values(file, origin, item, options) for origin, item in members]
        self.items = [item for _, item in members]
        self.first = self.members[0]
        self.where: dict[str, str] = {}
        self.errors: list[FieldError] = []
        self.used: set[str] = set()
        self.reported_contexts: set[str] = set()

    def candidate(self) -> SpecCandidate | Rejection:
        data: dict[str, Any] = {"sku": self.sku}
        self.where["sku"] = join_path(self.first.origin, "identifier")
        for field in ("name", "brand"):
            value = self._text(field)
            if value is not None:
                data[field] = value
        category = self._category()
        if category is not None:
            data["category"] = category
        self._description(data)
        materials = self._materials()
        if materials:
            data["materials"] = materials
        price = self._price()
        if price is not None:
            data["price"] = price
        ranges: dict[str, str] = {}
        for field in ("weight", "volume"):
            measure = self._metric_across(field)
            if isinstance(measure, str):
                ranges[field] = measure
            elif measure is not None:
                data[field] = measure
        dimensions = self._dimensions()
        if dimensions is not None:
            data["dimensions"] = dimensions
        variants = self._variants()
        if variants:
            data["variants"] = variants
        specs = self._specs()
        for field, text in ranges.items():
            # An attribute that the model's variant products give in different amounts is a range.
            specs.setdefault(field, text)
        if specs:
            data["specs"] = specs

        errors = self.errors + [error for member in self.members for error in member.errors]
        # A required field whose attribute is there but was not read already has its own error.
        errors += [
            self._missing(field) for field in _REQUIRED if field not in data and self.first.code_for(field) is None
        ]
        if errors:
            return Rejection(sku=self.sku, origin=self.first.origin, errors=errors)
        return SpecCandidate(origin=self.first.origin, data=data, locate=self._locate)

    def _missing(self, field: str) -> FieldError:
        """Report a required field that no attribute of the product gives, naming the codes looked for."""
        mapped = self.options.attributes.get(field)
        codes = (mapped,) if mapped else DEFAULT_ATTRIBUTES[field]
        return FieldError(
            file=self.file,
            path=join_path(self.first.origin, f"values.{codes[0]}"),
            message=f"no attribute gives the {field}",
            expected=f"a value under attribute {' or '.join(codes)}, or option attributes naming the code "
            f"that contains it, such as {field}=my_{field}_code",
        )

    def _pick(self, values: _Values, field: str) -> tuple[Any, str] | None:
        """Read the attribute that gives a spec field, reporting one whose values are all for other contexts.

        The spec would otherwise lack the field without a word: a colour given
        only for the print channel, or a description only in German.
        """
        code = values.code_for(field)
        if code is None:
            return None
        self.used.add(code)
        picked = values.pick(code)
        where = values.path(code)
        if picked is None and code in values.other_contexts and where not in self.reported_contexts:
            self.reported_contexts.add(where)
            self.errors.append(
                self._error(
                    where,
                    f"values for locale/channel {values.other_contexts[code]}",
                    f"no value for locale {self.options.locale or '-'} and channel {self.options.channel or '-'}",
                    "options locale and channel naming a locale and channel that have a value, or option "
                    f"attributes naming another attribute for the {field}",
                )
            )
        return picked

    def _text(self, field: str) -> str | None:
        picked = self._pick(self.first, field)
        if picked is None:
            return None
        data, where = picked
        self.where[field] = where
        if not isinstance(data, str | int | float) or isinstance(data, bool):
            self.errors.append(self._error(where, data, "not text", f"the {field} as text, such as 'Trail Mug'"))
            return None
        text = str(data).strip()
        return humanize_code(text) if field == "brand" and _is_code(text) else text

    def _category(self) -> str | None:
        picked = self._pick(self.first, "category")
        if picked is not None:
            data, self.where["category"] = picked
            if not isinstance(data, str):
                self.errors.append(
                    self._error(picked[1], data, "not text", "the category as text, such as 'Kitchen > Mugs'")
                )
                return None
            return data
        # Without a category attribute, a product's only category names its kind. A product in several
        # categories (Akeneo lists them by code, so "black_friday_2026" before "lanterns") takes its family.
        # Every variant product's categories count, each once, so the page's order changes nothing.
        listed = [item.get("categories") for item in self.items]
        codes = [code for value in listed if isinstance(value, list) for code in value]
        categories = list(dict.fromkeys(code for code in codes if isinstance(code, str) and code))
        family = next((item.get("family") for item in self.items if item.get("family")), None)
        if len(categories) == 1:
            self.where["category"] = join_path(self.first.origin, "categories")
            return humanize_code(categories[0])
        if isinstance(family, str) and family:
            self.where["category"] = join_path(self.first.origin, "family")
            return humanize_code(family)
        if categories:
            self.errors.append(
                self._error(
                    join_path(self.first.origin, "categories"),
                    ", ".join(categories),
                    "several categories and no family, so none of them is the product's kind",
                    "a family, or a category attribute named by option attributes, such as category=shop_category",
                )
            )
        return None

    def _description(self, data: dict[str, Any]) -> None:
        picked = self._pick(self.first, "summary")
        if picked is not None and not isinstance(picked[0], str):
            self.errors.append(self._error(picked[1], picked[0], "not text", "the description as text or HTML"))
            picked = None
        body = description_text(picked[0]) if picked else None
        if picked and body and body.summary:
            data["summary"] = body.summary
            self.where["summary"] = picked[1]
        features = self._list("features")
        if not features and body and body.items:
            features, self.where["features"] = body.items, self.where.get("summary", "")
        if features:
            data["features"] = features

    def _materials(self) -> list[str]:
        """List the materials of every variant product, each once: a colour may come in cotton and in wool."""
        found: dict[str, str] = {}
        for member in self.members:
            for material in self._list("materials", member):
                found.setdefault(material.casefold(), material)
        return list(found.values())

    def _list(self, field: str, values: _Values | None = None) -> list[str]:
        picked = self._pick(values or self.first, field)
        if picked is None:
            return []
        data, where = picked
        self.where.setdefault(field, where)
        if isinstance(data, list) and all(isinstance(item, str | int | float) for item in data):
            return [humanize_code(str(item)) if _is_code(item) else str(item) for item in data if item]
        if not isinstance(data, str):
            self.errors.append(self._error(where, data, "not text or a list of texts", "such as 'Oak; Steel'"))
            return []
        text = data
        if "<li" in text:
            return description_text(text).items
        parts = re.split(r"[;\n]", text)
        return [part.strip() for part in parts if part.strip()]

    def _price(self) -> dict[str, str] | None:
        best: tuple[Decimal, dict[str, str], str] | None = None
        for member in self.members:
            picked = self._pick(member, "price")
            if picked is None:
                continue
            data, where = picked
            if not isinstance(data, list):
                member.errors.append(self._error(where, data, "not a price collection", "[{amount, currency}, ...]"))
                continue
            given = [(str(entry.get("currency")), entry.get("amount")) for entry in data if isinstance(entry, dict)]
            given = [(currency, amount) for currency, amount in given if amount not in (None, "")]
            prices = dict(given)
            counts = Counter(currency for currency, _ in given)
            repeated = sorted(currency for currency, count in counts.items() if count > 1)
            if repeated:
                member.errors.append(
                    self._error(where, ", ".join(repeated), "a currency given twice", "one amount per currency")
                )
                continue
            currency = self.options.currency
            if currency is None and len(prices) > 1:
                member.errors.append(
                    self._error(
                        where,
                        ", ".join(sorted(prices)),
                        "prices in several currencies",
                        f"option currency: the currency to read, such as {sorted(prices)[0]}",
                    )
                )
                continue
            currency = currency or next(iter(prices), None)
            if currency is None or currency not in prices:
                member.errors.append(
                    self._error(
                        where,
                        ", ".join(sorted(prices)) or "no amounts",
                        f"no price in {currency}" if currency else "no price amount",
                        "a price in the currency read (option currency)",
                    )
                )
                continue
            amount = str(prices[currency])
            try:
                number = Decimal(amount)
            except InvalidOperation:
                number = Decimal("-Infinity")
            if not number.is_finite():
                # An amount that is no number comes first, so that validation reports it.
                number = Decimal("-Infinity")
            if best is None or number < best[0]:
                best = (number, {"amount": amount, "currency": currency}, where)
        if best is None:
            return None
        self.where["price"] = best[2]
        return best[1]

    def _metric_across(self, field: str) -> dict[str, Any] | str | None:
        """Read a weight or volume from every variant product: one amount, or a range where they differ.

        The sizes of a jacket weigh differently, and every variant product's
        value is checked, so a bad one is reported whichever comes first.
        """
        measures = []
        first_where = None
        for member in self.members:
            measure = self._measure(member, field, field)
            if measure is None:
                continue
            where = self.where.get(field, "")
            if measure[0] > MAX_MEASURE:
                # A range is a spec entry, which the model's own limit would not check.
                self.errors.append(self._error(where, str(measure[0]), "too large", f"at most {MAX_MEASURE:,}"))
                continue
            measures.append(measure)
            first_where = first_where or where
        if first_where is not None:
            self.where[field] = first_where
        if not measures:
            return None
        # Compared in one unit, so 0.38 kg and 380 g are one weight.
        if len({value * IN_BASE_UNIT[unit] for value, unit in measures}) == 1:
            value, unit = measures[0]
            return {"value": _decimal_text(value), "unit": unit}
        low, high, unit = amount_range(measures, _BASE_UNITS[field])
        # Amounts that differ by less than the step (13.4 oz and 380 g) are one weight as a shop writes it.
        return {"value": low, "unit": unit} if low == high else f"{low}-{high} {unit}"

    def _measure(self, values: _Values, field: str, quantity: str) -> tuple[Decimal, str] | None:
        """Read one metric attribute in the spec unit of its quantity, recording where it was read."""
        picked = self._pick(values, field)
        if picked is None:
            return None
        data, where = picked
        self.where[field] = where
        return self._convert(data, where, quantity)

    def _convert(self, data: Any, where: str, quantity: str) -> tuple[Decimal, str] | None:
        if not isinstance(data, dict) or "amount" not in data or "unit" not in data:
            self.errors.append(self._error(where, data, "not a metric value", '{"amount": ..., "unit": ...}'))
            return None
        units = UNITS[quantity]
        unit_code = str(data["unit"]).upper()
        if unit_code not in units:
            self.errors.append(
                self._error(where, data["unit"], f"unsupported {quantity} unit", "one of " + ", ".join(units))
            )
            return None
        try:
            amount = Decimal(str(data["amount"]))
        except InvalidOperation:
            self.errors.append(self._error(where, data["amount"], "not a number", "an amount such as 500"))
            return None
        # Checked here, before conversion, so that the error shows the amount as the file gives it.
        if not amount.is_finite():
            self.errors.append(self._error(where, data["amount"], "not a finite number", "an amount such as 500"))
            return None
        if amount <= 0:
            self.errors.append(self._error(where, data["amount"], "too small", "an amount greater than 0"))
            return None
        unit, factor = units[unit_code]
        converted = amount * factor
        if unit_code in ROUNDED_UNITS and converted.quantize(RANGE_STEPS[unit]) > 0:
            converted = converted.quantize(RANGE_STEPS[unit])
        return converted, unit

    def _dimensions(self) -> dict[str, Any] | None:
        sides: dict[str, tuple[Decimal, str]] = {}
        for side in ("width", "depth", "height"):
            measure = self._measure(self.first, side, "length")
            if measure is not None:
                sides[side] = measure
        if not sides:
            return None
        unit, lengths = _common_length_unit(sides)
        dimensions: dict[str, Any] = {"unit": unit}
        for side, length in lengths.items():
            dimensions[side] = _decimal_text(length)
        self.where["dimensions"] = self.where.get("width") or self.where.get("depth") or self.where.get("height", "")
        return dimensions

    def _variants(self) -> list[dict[str, str]]:
        """Give one variant per colour of the variant products.

        Variant products of one colour and material (the sizes of a colour)
        make one variant, whose SKU is generated from the model code and the
        colour, as Shopify's reader does. The other axes become specs. Their
        color_hex is the first one given. Two different ones split them, and
        the spec then rejects the colour name given twice.
        """
        groups: dict[tuple[str, str], list[_ReadVariant]] = {}
        for member, item in zip(self.members, self.items, strict=True):
            read = self._variant(member, item)
            if read is not None:
                # By option code where there is one: two options may share a label in one locale ("Blau").
                colour = read.color_code or read.fields["color"].casefold()
                key = (colour, read.material_code or read.fields.get("material", "").casefold())
                groups.setdefault(key, []).append(read)
        split = [part for reads in groups.values() for part in _by_given_hex(reads)]
        colours = Counter(reads[0].fields["color"].casefold() for reads in split)
        singles = [reads[0].fields["sku"] for reads in split if len(reads) == 1]
        skus = VariantSkus(self.sku, [*self.taken, *singles], upper=False)
        variants: list[dict[str, str]] = []
        for reads in split:
            first = reads[0]
            if not any(read.hex_where for read in reads) and first.unresolved is not None:
                self.errors += [read.unresolved for read in reads if read.unresolved is not None]
                continue
            fields, sku_where = dict(first.fields), first.sku_where
            given = [read for read in reads if read.hex_where]
            if given:
                fields["color_hex"] = given[0].fields["color_hex"]
            if len(reads) > 1:
                # A colour in several materials gets the material in its SKU too.
                words = _sku_words(first, with_material=colours[fields["color"].casefold()] > 1)
                fields["sku"] = skus.generate(f"{words} {fields['color_hex']}", words)
                sku_where = first.parent_where  # the model code the SKU is made from
            index = len(variants)
            self.where[f"variants.{index}"] = first.where
            self.where[f"variants.{index}.sku"] = sku_where
            if given and given[0].hex_where is not None:
                self.where[f"variants.{index}.color_hex"] = given[0].hex_where
            variants.append(fields)
        return variants

    def _variant(self, member: _Values, item: dict[str, Any]) -> _ReadVariant | None:
        picked = self._pick(member, "color")
        if picked is None:
            return None
        data, where = picked
        name = humanize_code(str(data)) if _is_code(data) else str(data)
        hex_picked = self._pick(member, "color_hex")
        code = _option_code(member, member.code_for("color"))
        resolved = (name, str(hex_picked[0])) if hex_picked else resolve_color(name) or resolve_color(str(data))
        if resolved is None and code is not None:
            # A label in another language ("Schiefergrau") is the option whose code may name a CSS colour.
            by_code = resolve_color(humanize_code(code))
            resolved = (name, by_code[1]) if by_code else None
        if resolved is None and name.casefold() in self.listed_colors:
            # The size that gave this colour's color_hex may be gone; the listing still has the colour.
            resolved = (name, self.listed_colors[name.casefold()])
        unresolved = None
        if resolved is None:
            # Another size of this colour may give its color_hex; _variants reports it when none does.
            message, expected = unresolved_color(name, hex_source="a color_hex attribute")
            unresolved = self._error(where, data, message, expected)
        color, color_hex = resolved or (name, "")
        fields = {"sku": identifier_of(item), "color": color, "color_hex": color_hex}
        material = self._pick(member, "materials") if len(self.members) > 1 else None
        material_code = None
        if material is not None and isinstance(material[0], str):
            fields["material"] = humanize_code(material[0]) if _is_code(material[0]) else material[0]
            material_code = _option_code(member, member.code_for("materials"))
        return _ReadVariant(
            fields=fields,
            where=where,
            sku_where=join_path(member.origin, "identifier"),
            parent_where=join_path(member.origin, "parent"),
            hex_where=hex_picked[1] if hex_picked else None,
            unresolved=unresolved,
            color_code=code,
            material_code=material_code,
        )

    def _specs(self) -> dict[str, str | int | float | bool]:
        specs: dict[str, str | int | float | bool] = {}
        codes = dict.fromkeys(code for member in self.members for code in member.values)
        for code in codes:
            if code in self.used or EXCLUDED_CODES.search(code):
                continue
            shown = []
            for member in self.members:
                picked = member.pick(code)
                if picked is None:
                    continue
                value = self._spec_value(picked[0])
                if value is not None and value not in shown:
                    shown.append(value)
            if len(shown) == 1:
                specs[code] = shown[0]
            elif shown:
                specs[code] = ", ".join(_show(value) for value in shown)
        return specs

    def _spec_value(self, data: Any) -> str | int | float | bool | None:
        if isinstance(data, bool | int | float):
            return data
        if isinstance(data, str):
            if MEDIA_PATH.search(data):
                return None
            if NUMBER.fullmatch(data.strip()):
                return _plain_number(data)
            return humanize_code(data) if _is_code(data) else data.strip()
        if isinstance(data, list):
            prices = [entry for entry in data if isinstance(entry, dict) and "currency" in entry]
            if prices:
                currency = self.options.currency
                chosen = [entry for entry in prices if currency is None or entry.get("currency") == currency]
                return ", ".join(f"{entry.get('amount')} {entry.get('currency')}" for entry in chosen) or None
            if any(isinstance(item, dict) for item in data):
                # A table attribute: one object per row, keyed by column code.
                rows = [self._table_row(row) for row in data if isinstance(row, dict)]
                return "; ".join(row for row in rows if row) or None
            words = [humanize_code(str(item)) if _is_code(item) else str(item) for item in data]
            return ", ".join(words) or None
        if isinstance(data, dict) and "amount" in data and "unit" in data:
            amount = _plain_number(data["amount"])
            unit = str(data["unit"])
            return f"{amount} {UNIT_SYMBOLS.get(unit.upper()) or _unit_words(unit, amount)}"
        return None

    def _table_row(self, row: dict[str, Any]) -> str:
        cells = []
        for column, cell in row.items():
            value = None if isinstance(cell, list | dict) else self._spec_value(cell)
            if value is not None:
                cells.append(f"{humanize_code(str(column))}: {_show(value)}")
        return ", ".join(cells)

    def _error(self, where: str, value: Any, message: str, expected: str) -> FieldError:
        return FieldError(file=self.file, path=where, value=show_value(value), message=message, expected=expected)

    def _locate(self, location: tuple[int | str, ...]) -> str:
        if not location:
            return self.first.origin or "(document)"
        field = str(location[0])
        if field == "variants" and len(location) > 1:
            part = str(location[2]) if len(location) > 2 else ""
            key = f"variants.{location[1]}" + (f".{part}" if part in ("sku", "color_hex") else "")
            if key in self.where:
                return self.where[key]
        if field == "dimensions" and len(location) > 1 and str(location[1]) in self.where:
            return self.where[str(location[1])]
        if field == "specs" and len(location) > 1:
            # A spec table entry is read from the attribute of the same code.
            return join_path(self.first.origin, f"values.{location[1]}")
        if field in self.where:
            return self.where[field]
        return join_path(self.first.origin, format_location(location))


def _with_labels(entry: dict[str, Any], locale: str | None) -> Any:
    """Replace select option codes by their labels where the API sent them in `linked_data`.

    Products fetched with with_attribute_options=true carry, per select value,
    `linked_data` with the option's labels by locale; a multi-select keys it by
    option code. A code without a label in the locale read stays a code.
    """
    data, linked = entry["data"], entry.get("linked_data")
    if not isinstance(linked, dict):
        return data
    label_locale = locale or entry.get("locale")
    if isinstance(data, str):
        return _label(linked, label_locale) or data
    if isinstance(data, list):
        return [_label(linked.get(str(code)), label_locale) or code for code in data]
    return data


def _differing_labels(entry: dict[str, Any]) -> list[str]:
    """List an entry's option labels as "locale: label" when they differ by locale, else nothing."""
    linked = entry.get("linked_data")
    if not isinstance(linked, dict):
        return []
    options = [linked] if isinstance(entry.get("data"), str) else list(linked.values())
    for option in options:
        labels = option.get("labels") if isinstance(option, dict) else None
        if isinstance(labels, dict) and len({str(label) for label in labels.values() if label}) > 1:
            return [f"{locale}: {label}" for locale, label in labels.items() if label]
    return []


def _label(linked: Any, locale: str | None) -> str | None:
    labels = linked.get("labels") if isinstance(linked, dict) else None
    if not isinstance(labels, dict) or not labels:
        return None
    if locale is not None:
        label = labels.get(locale)
        return str(label) if label else None
    # With no locale chosen, a label that every locale shares is still the option's name.
    distinct = {str(label) for label in labels.values() if label}
    return distinct.pop() if len(distinct) == 1 else None


def _common_length_unit(sides: dict[str, tuple[Decimal, str]]) -> tuple[str, dict[str, Decimal]]:
    """Choose one unit for sides given in several: the smallest given unit that expresses every side exactly.

    A unit whose numbers would exceed MAX_MEASURE is passed over for the next
    larger one. The smallest metric unit given always expresses every side exactly,
    because an inch is exactly 25.4 mm. A side too large even in the largest
    exact unit is left for validation to report.
    """
    exact: list[tuple[str, dict[str, Decimal]]] = []
    for unit in sorted({unit for _, unit in sides.values()}, key=MM_PER_UNIT.__getitem__):
        lengths = {side: _exact_length(value, side_unit, unit) for side, (value, side_unit) in sides.items()}
        if any(length is None for length in lengths.values()):
            continue
        in_unit = {side: length for side, length in lengths.items() if length is not None}
        if all(length <= MAX_MEASURE for length in in_unit.values()):
            return unit, in_unit
        exact.append((unit, in_unit))
    if exact:
        return exact[-1]
    # Only amounts with more digits than Decimal's 28 get here: they are rounded to that precision.
    unit = max((unit for _, unit in sides.values()), key=MM_PER_UNIT.__getitem__)
    return unit, {
        side: value * MM_PER_UNIT[side_unit] / MM_PER_UNIT[unit] for side, (value, side_unit) in sides.items()
    }


def _exact_length(value: Decimal, unit: str, target: str) -> Decimal | None:
    """Convert a length between units, or return None where the result has no exact decimal form (1 m in inches)."""
    if unit == target:
        return value
    with localcontext() as context:
        context.traps[Inexact] = True
        try:
            return value * MM_PER_UNIT[unit] / MM_PER_UNIT[target]
        except Inexact:
            return None


def _decimal_text(value: Decimal) -> str:
    """Write a Decimal without exponent or trailing zeros: 400, 0.38."""
    return format(value.normalize(), "f")


# Unit words that stay the same in the plural: "2 dozen", "50 hertz".
_INVARIANT_UNIT_WORDS = frozenset(
    {"dozen", "denier", "feet", "hertz", "lux", "siemens", "celsius", "fahrenheit", "kelvin"}
)


def _unit_words(code: str, amount: str) -> str:
    """Write a unit code as words, plural for any amount but 1: YEAR as "year" or "years", SQUARE_YARD as
    "square yards", LITER_PER_MINUTE as "liters per minute"."""
    words = code.lower().replace("_", " ").split()
    try:
        singular = Decimal(amount) == 1
    except InvalidOperation:
        singular = False
    if singular or not words:
        return " ".join(words)
    # The noun counted is the word before "per" or "of" ("minutes of arc"), or else the last word.
    linked = next((word for word in ("per", "of") if word in words[1:]), None)
    index = words.index(linked) - 1 if linked else len(words) - 1
    words[index] = _plural(words[index])
    return " ".join(words)


def _plural(word: str) -> str:
    if word in _INVARIANT_UNIT_WORDS:
        return word
    if word == "foot":
        return "feet"
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and word[-2:-1] not in ("a", "e", "i", "o", "u"):
        return word[:-1] + "ies"
    return word + "s"


def _is_code(value: Any) -> bool:
    """Check whether a value looks like an option code ('navy', 'dark_green', 'navy_v2') rather than words.

    One word that mixes letters and digits ('ip68', 'xr21') is more likely a
    model or rating written in a text attribute, and is kept as written.
    """
    if not isinstance(value, str) or not re.fullmatch(r"[a-z0-9]+(_[a-z0-9]+)*", value):
        return False
    return "_" in value or value.isalpha()


def _plain_number(value: Any) -> str:
    try:
        return _decimal_text(Decimal(str(value)))
    except InvalidOperation:
        return str(value)


def _show(value: str | int | float | bool) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
