"""Shopify products, from a product CSV export or the product JSON that webhooks and the REST API send.

Both shapes are read into `ShopifyProduct` first, then mapped to spec fields:

- the handle is the product sku (Shopify keeps SKUs on variants only), made
  to fit a sku where it is too long or not ASCII (see `handle_sku`);
- Title, Vendor and Product Category (or Type) give name, brand and category;
- Body (HTML) gives the summary, and its list items the features;
- the lowest variant price is the price, in the currency named by option
  currency, because Shopify exports carry none;
- each value of the colour option (Color, Colour or another name in
  COLOR_OPTIONS, or the name in option color_option) becomes a spec variant,
  named by the variant's SKU when one row has that colour, or by a SKU
  generated from the handle and the colour;
- other options (Size, ...) become specs;
- the first variant weight is the weight, in the unit Shopify displays.

Image URLs are not downloaded: reference photos must be uploaded to the bucket.
"""

import html
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from spec2listing.errors import FieldError
from spec2listing.intake.colors import resolve_color, unresolved_color
from spec2listing.intake.field_errors import GeneratedValue, format_location, join_path, show_value
from spec2listing.intake.markup import description_text
from spec2listing.intake.options import ReadOptions
from spec2listing.intake.parse import ReadResult, Rejection, SpecCandidate
from spec2listing.intake.ranges import IN_BASE_UNIT, RANGE_STEPS, amount_range
from spec2listing.intake.variant_skus import VariantSkus, handle_sku

# Option names read as the colour option, as option_key writes them: English, and the word for
# colour in Spanish, German, French, Italian, Dutch, Swedish, Norwegian, Danish, Finnish, Polish
# and Portuguese, each also in the plural.
COLOR_OPTIONS = frozenset(
    {
        *("color", "colour", "colors", "colours", "color/pattern", "colour/pattern", "colores"),
        *("farbe", "farben", "couleur", "couleurs", "colore", "colori", "kleur", "kleuren"),
        *("färg", "färger", "farge", "farger", "farve", "farver", "väri", "värit", "kolor", "kolory", "cor", "cores"),
    }
)
MATERIAL_OPTIONS = frozenset({"material", "materials", "fabric"})
# Option names whose values may be colour words but describe something else: a Gold metal, a Lime
# flavour, a Navy pattern. Such options are read as specs, and no color_option is requested.
NOT_COLOR_OPTIONS = MATERIAL_OPTIONS | frozenset(
    {
        *("metal", "metals", "plating", "finish", "finishes", "wood", "stone", "gemstone", "leather"),
        *("flavor", "flavors", "flavour", "flavours", "scent", "scents", "taste", "style", "styles", "pattern"),
        *("patterns", "print", "theme", "size", "sizes"),
    }
)
# Option color_option's value that reads options with other names as specs, whatever their values.
NO_COLOR_OPTION = "none"
# The product status that rejects a product unless option include_inactive is set. Draft
# products get listings like active ones, so that a listing is ready when a draft goes live.
ARCHIVED = "archived"
# Shopify's placeholder option on products without variants.
DEFAULT_OPTION = ("title", "default title")
# The weight units Shopify gives Variant Weight Unit in, in grams.
GRAMS_PER_UNIT = {unit: IN_BASE_UNIT[unit] for unit in ("g", "kg", "lb", "oz")}
TAXONOMY_ID_PREFIX = "gid://"

Where = Callable[[str], str]


@dataclass
class ShopifyVariant:
    """One variant: its SKU, price, weight and option values, and where each was read."""

    sku: str
    price: str
    grams: str
    weight: str
    weight_unit: str
    options: list[str]
    where: Where


@dataclass
class ShopifyProduct:
    """The product fields the mapping reads, and where each was read."""

    origin: str
    handle: str
    title: str
    body_html: str
    vendor: str
    category: str
    product_type: str
    seo_description: str
    option_names: list[str]
    variants: list[ShopifyVariant]
    where: Where
    errors: list[FieldError] = field(default_factory=list)
    status: str = ""


def currency_missing(file: str) -> Rejection:
    """Build the rejection of a whole Shopify file read without option currency."""
    error = FieldError(
        file=file,
        path="option currency",
        message="Shopify products carry no currency",
        expected="option currency: the store's currency code, such as EUR",
    )
    return Rejection(origin="file", errors=[error])


def option_key(name: str) -> str:
    """Write an option name for comparison: 'Colour / Pattern' -> 'colour/pattern'."""
    return re.sub(r"\s*/\s*", "/", " ".join(name.split())).casefold()


def product_candidate(
    file: str, product: ShopifyProduct, currency: str, options: ReadOptions, taken: Iterable[str] = ()
) -> SpecCandidate | Rejection:
    """Map one Shopify product to spec fields, or reject it with every problem found.

    `taken` contains the handles and SKUs of the whole file, which a generated variant SKU must not repeat.
    """
    sku = handle_sku(product.handle)
    if product.status.strip().lower() == ARCHIVED and not options.include_inactive:
        return Rejection(sku=sku or None, origin=product.origin, errors=[_archived(file, product)])
    errors = list(product.errors)
    # Titles and vendors imported into Shopify keep HTML entities ("Socks &ndash; 3 Pack"), as bodies do.
    data: dict[str, Any] = {"sku": sku, "name": html.unescape(product.title), "brand": html.unescape(product.vendor)}
    category = product.category if not product.category.startswith(TAXONOMY_ID_PREFIX) else ""
    data["category"] = category or product.product_type or None
    fixes = {}
    if data["category"] is None:
        del data["category"]
        fixes["category"] = (
            f"a category in {product.where('category')} or a product type in {product.where('product_type')}, "
            "which are both empty"
        )

    body = description_text(product.body_html)
    # Shopify stores the SEO description with HTML entities, as it does the body ("Cups &amp; saucers").
    summary = body.summary or html.unescape(product.seo_description).strip() or None
    if summary:
        data["summary"] = summary
    if body.items:
        data["features"] = body.items

    variants = product.variants
    price_source = _cheapest(variants)
    if price_source is not None:
        data["price"] = {"amount": price_source.price, "currency": currency}

    weight_range = _weight_range(variants)
    weight = _weight(variants) if weight_range is None else None
    if weight is not None:
        data["weight"] = weight

    optioned = [variant for variant in variants if not _is_placeholder(product, variant)]
    color_index = _color_option(file, product, optioned, options.color_option, errors)
    specs, spec_variants, generated = _options(
        file, product, optioned, color_index, errors, product_sku=sku, taken=taken
    )
    if sku != product.handle:
        generated["sku"] = GeneratedValue(
            source=f"{product.where('handle')}, whose {product.handle!r} is longer than a sku or not ASCII",
            fix=f"a shorter ASCII handle at {product.where('handle')}",
        )
    if weight_range is not None:
        # An option named Weight already lists the variants' weights.
        specs.setdefault("weight", weight_range)
    if specs:
        data["specs"] = specs
    if spec_variants:
        data["variants"] = [variant for variant, _ in spec_variants]
    if errors:
        return Rejection(sku=sku or None, origin=product.origin, errors=errors)
    return SpecCandidate(
        origin=product.origin,
        data=data,
        locate=_locator(
            product,
            price_source,
            variants,
            [source for _, source in spec_variants],
            color_index=color_index,
            generated=generated,
        ),
        generated=generated,
        fixes=fixes,
    )


def _archived(file: str, product: ShopifyProduct) -> FieldError:
    return FieldError(
        file=file,
        path=product.where("status"),
        value=show_value(product.status),
        message="the product is archived in Shopify, so no listing is made for it",
        expected="status active or draft, or option include_inactive=true to make listings for archived products too",
    )


def _is_placeholder(product: ShopifyProduct, variant: ShopifyVariant) -> bool:
    names = [name.lower() for name in product.option_names]
    values = [value.lower() for value in variant.options]
    return bool(names) and names[0] == DEFAULT_OPTION[0] and values[:1] == [DEFAULT_OPTION[1]]


def _cheapest(variants: list[ShopifyVariant]) -> ShopifyVariant | None:
    priced = []
    for variant in variants:
        try:
            price = Decimal(variant.price)
        except InvalidOperation:
            price = None
        if price is not None and price.is_finite():
            priced.append((price, variant))
        elif variant.price:
            # Not a number, or NaN or Infinity: this variant's price goes to validation, which reports it.
            return variant
    return min(priced, key=lambda pair: pair[0])[1] if priced else None


def _weight_range(variants: list[ShopifyVariant]) -> str | None:
    """Write the range of the variants' weights ("350-360 g") when they differ, else None.

    Sizes of a garment weigh differently, and one weight would be wrong for
    all but one of them, so the product gets no single weight. The range is in
    the unit the shop shows every variant's weight in, or in grams where units differ.
    """
    weights = [weight for weight in map(_weight_of, variants) if weight is not None]
    if len({grams for grams, _, _ in weights}) < 2:
        return None
    low, high, unit = amount_range([(value, unit) for _, value, unit in weights], "g")
    # Weights that round alike in the shop's unit (340 g and 341 g as 0.75 lb) are one weight.
    return None if low == high else f"{low}-{high} {unit}"


def _weight_of(variant: ShopifyVariant) -> tuple[Decimal, Decimal, str] | None:
    """Give a variant's weight in grams and as given (value and unit), or None where it has none."""
    unit = variant.weight_unit.lower() or "g"
    try:
        if variant.weight and unit in GRAMS_PER_UNIT and Decimal(variant.weight) > 0:
            value = Decimal(variant.weight)
            return value * GRAMS_PER_UNIT[unit], value, unit
        if variant.grams and Decimal(variant.grams) > 0:
            # A CSV export gives grams, and the unit the shop shows weights in.
            grams = Decimal(variant.grams)
            return grams, grams / GRAMS_PER_UNIT.get(unit, Decimal(1)), unit if unit in GRAMS_PER_UNIT else "g"
    except InvalidOperation:
        return None
    return None


def _weight(variants: list[ShopifyVariant]) -> dict[str, str] | None:
    for variant in variants:
        unit = variant.weight_unit.lower() or "g"
        if unit not in GRAMS_PER_UNIT:
            return {"value": variant.weight or variant.grams, "unit": unit}
        try:
            if variant.weight and Decimal(variant.weight) > 0:
                return {"value": variant.weight, "unit": unit}
            if variant.grams and Decimal(variant.grams) > 0:
                return _grams_in_unit(Decimal(variant.grams), unit)
        except InvalidOperation:
            return {"value": variant.weight or variant.grams, "unit": unit}
    return None


def _grams_in_unit(grams: Decimal, unit: str) -> dict[str, str]:
    """Write a CSV export's whole grams back in the shop's weight unit, as precisely as the grams allow.

    A classic export gives the weight as whole grams (Variant Grams) beside the unit the shop shows it in, so
    13 lb comes as 5897 g, which is 13.0007 lb. Whole grams are within 0.5 g of the weight entered: 0.0011 lb,
    0.018 oz or 0.0005 kg. Rounded to RANGE_STEPS (0.01 lb, 0.1 oz, 0.001 kg, 1 g), a weight entered with no
    more decimals than that comes back as entered. A weight too small for its step is given in grams.
    """
    value = (grams / GRAMS_PER_UNIT[unit]).quantize(RANGE_STEPS[unit])
    if value == 0:
        return {"value": str(grams), "unit": "g"}
    return {"value": format(value.normalize(), "f"), "unit": unit}


def _color_option(
    file: str, product: ShopifyProduct, variants: list[ShopifyVariant], chosen: str | None, errors: list[FieldError]
) -> int | None:
    """Find the index of the colour option: a known name, or the one option color_option names.

    Without either, an option whose values are all colour names is reported,
    because reading it as a spec would silently drop the product's colours,
    and reading it as colours would turn a flavour such as 'Lime' into one.
    """
    keys = [option_key(name) for name in product.option_names]
    chosen_key = option_key(chosen) if chosen else None
    # The option color_option names wins over a known name, so Shade can be chosen beside a Color option.
    for index, key in enumerate(keys):
        if key and key == chosen_key:
            return index
    for index, key in enumerate(keys):
        if key in COLOR_OPTIONS:
            return index
    if chosen_key == NO_COLOR_OPTION:
        return None
    for index, key in enumerate(keys):
        if not key or key in NOT_COLOR_OPTIONS or key == DEFAULT_OPTION[0]:
            continue
        values = _distinct(variant.options[index] for variant in variants if index < len(variant.options))
        if not values or any(resolve_color(value) is None for value in values):
            continue
        name = " ".join(product.option_names[index].split())
        listed_values = ", ".join(values[:5]) + (", ..." if len(values) > 5 else "")
        errors.append(
            FieldError(
                file=file,
                path=product.where(f"option{index + 1}_name"),
                value=show_value(name),
                message=f"every value of option {name} is a colour name ({listed_values}), "
                f"but {name} is not a known colour option name",
                expected=f"option color_option={name} to read its values as the product's colours, "
                f"or option color_option={NO_COLOR_OPTION} to read it as a spec; or name the option Color",
            )
        )
    return None


def _repeated_options(file: str, variants: list[ShopifyVariant], errors: list[FieldError]) -> None:
    """Report a variant whose option values repeat an earlier one's, which Shopify does not allow."""
    first: dict[tuple[str, ...], ShopifyVariant] = {}
    for variant in variants:
        key = tuple(" ".join(value.split()).casefold() for value in variant.options)
        if not any(key):
            continue
        if key in first:
            earlier = first[key].sku or first[key].where("sku")
            errors.append(
                FieldError(
                    file=file,
                    path=variant.where("option1"),
                    value=show_value(" / ".join(value for value in variant.options if value)),
                    message=f"the variant repeats the option values of variant {earlier}",
                    expected="a different combination of option values for each variant, as Shopify requires",
                )
            )
        first.setdefault(key, variant)


def _options(
    file: str,
    product: ShopifyProduct,
    variants: list[ShopifyVariant],
    color_index: int | None,
    errors: list[FieldError],
    *,
    product_sku: str,
    taken: Iterable[str] = (),
) -> tuple[dict[str, str], list[tuple[dict[str, str], ShopifyVariant]], dict[str, GeneratedValue]]:
    """Build spec variants from the colour option and specs from the other options.

    A colour's variant takes the SKU of its variant when one variant has
    that colour and a SKU. Otherwise its SKU is generated from
    `product_sku` (the handle) and the colour, and recorded as generated for errors about it.
    """
    names = [name.strip() for name in product.option_names]
    _repeated_options(file, variants, errors)
    material_index = next((i for i, name in enumerate(names) if name.lower() in MATERIAL_OPTIONS), None)

    specs: dict[str, str] = {}
    named: dict[str, str] = {}
    for index, name in enumerate(names):
        if not name or index == color_index or name.lower() == DEFAULT_OPTION[0]:
            continue
        key = name.lower().replace(" ", "_")
        if key in named:
            # One spec entry per option: the second would replace the first one's values without a word.
            errors.append(
                FieldError(
                    file=file,
                    path=product.where(f"option{index + 1}_name"),
                    value=show_value(name),
                    message=f"the option has the name of option {named[key]!r}, differing only in case or spaces",
                    expected="a different name for each option, as Shopify requires",
                )
            )
            continue
        named[key] = name
        values = _distinct(variant.options[index] for variant in variants if index < len(variant.options))
        if values:
            specs[key] = ", ".join(values)
    if color_index is None:
        return specs, [], {}

    # Values that differ only in case or spacing ("Navy", "navy ") name one colour, spelled as first given.
    groups: dict[str, list[ShopifyVariant]] = {}
    spellings: dict[str, str] = {}
    color_field = f"option{color_index + 1}"
    for source in variants:
        color = source.options[color_index] if color_index < len(source.options) else ""
        if not color:
            # Its price and weight would still count for the product, without a variant to show for them.
            errors.append(
                FieldError(
                    file=file,
                    path=source.where(color_field),
                    value=show_value(color),
                    message=f"no {names[color_index]} for this variant",
                    expected=f"the variant's {names[color_index]}, as the other variants give theirs",
                )
            )
            continue
        key = " ".join(color.split()).casefold()
        groups.setdefault(spellings.setdefault(key, color), []).append(source)
    spec_variants: list[tuple[dict[str, str], ShopifyVariant]] = []
    generated: dict[str, GeneratedValue] = {}
    given_skus = [members[0].sku for members in groups.values() if len(members) == 1]
    # Generated SKUs avoid every handle and SKU of the file, so they never clash with another product.
    skus = VariantSkus(product_sku, [*given_skus, *taken], upper=False)
    for color, members in groups.items():
        first = members[0]
        resolved = resolve_color(color)
        if resolved is None:
            message, expected = unresolved_color(color)
            errors.append(
                FieldError(
                    file=file,
                    path=first.where(color_field),
                    value=show_value(color),
                    message=message,
                    expected=expected,
                )
            )
            continue
        name, hex_code = resolved
        sku = first.sku if len(members) == 1 else ""
        if not sku:
            sku = skus.generate(color, name)
            reason = f"{first.where('sku')} is blank" if len(members) == 1 else f"{len(members)} variants have it"
            generated[f"variants[{len(spec_variants)}].sku"] = GeneratedValue(
                source=f"{product.where('handle')} and the colour, because {reason}",
                fix=f"a sku at {first.where('sku')}" if len(members) == 1 else "a handle that is a valid sku",
            )
        fields = {"sku": sku, "color": name, "color_hex": hex_code}
        if material_index is not None:
            materials = _distinct(member.options[material_index] for member in members)
            if len(materials) == 1:
                fields["material"] = materials[0]
        spec_variants.append((fields, first))
    return specs, spec_variants, generated


def _distinct(values: Any) -> list[str]:
    return list(dict.fromkeys(value.strip() for value in values if value and value.strip()))


def _locator(
    product: ShopifyProduct,
    price_source: ShopifyVariant | None,
    variants: list[ShopifyVariant],
    variant_sources: list[ShopifyVariant],
    *,
    color_index: int | None,
    generated: Mapping[str, GeneratedValue],
) -> Callable[[tuple[int | str, ...]], str]:
    """Map a validation location to the row and column, or JSON key, the value came from."""
    fields = {"sku": "handle", "name": "title", "brand": "vendor", "summary": "body_html", "features": "body_html"}
    color_option = f"option{(color_index or 0) + 1}"

    def locate(location: tuple[int | str, ...]) -> str:
        if not location:
            return product.origin
        name = str(location[0])
        if name in fields:
            return product.where(fields[name])
        if name == "category":
            return product.where("category" if product.category else "product_type")
        if name == "price":
            if len(location) > 1 and location[1] == "currency":
                return "option currency"
            return (price_source or product).where("price")
        if name == "weight" and variants:
            if len(location) > 1 and location[1] == "unit":
                return variants[0].where("weight_unit")
            return variants[0].where("weight" if variants[0].weight else "grams")
        variant = location[1] if name == "variants" and len(location) > 1 else None
        if isinstance(variant, int) and variant < len(variant_sources):
            column = str(location[2]) if len(location) > 2 else "color"
            # A generated sku is blamed on the colour it was generated from, not on the blank SKU cell.
            own_sku = column == "sku" and f"variants[{variant}].sku" not in generated
            return variant_sources[variant].where("sku" if own_sku else color_option)
        return join_path(product.origin, format_location(location))

    return locate


def read_shopify_json(file: str, items: list[tuple[str, dict[str, Any]]], options: ReadOptions) -> ReadResult:
    """Read Shopify product resources: a webhook payload, {"product": ...} or {"products": [...]}."""
    result = ReadResult(format="shopify-json")
    if options.currency is None:
        result.rejections.append(currency_missing(file))
        return result
    products = [_product_from_json(file, origin, item) for origin, item in items]
    taken = file_skus(products)
    for product in products:
        result.add(product_candidate(file, product, options.currency, options, taken))
    return result


def file_skus(products: list[ShopifyProduct]) -> set[str]:
    """Return every handle and variant SKU of a file, which generated SKUs must avoid."""
    return {product.handle for product in products} | {v.sku for product in products for v in product.variants}


def _product_from_json(file: str, origin: str, item: dict[str, Any]) -> ShopifyProduct:
    errors: list[FieldError] = []
    raw_options = item.get("options")
    if not isinstance(raw_options, list):
        raw_options = []

    def position(index: int, option: dict[str, Any]) -> int:
        """Return the option's position, which pairs it with a variant's option1..3, or its place in the list."""
        value = option.get("position")
        if value is None:
            return index + 1
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().isdigit():
            return int(value)
        errors.append(
            FieldError(
                file=file,
                path=join_path(origin, f"options[{index}].position"),
                value=show_value(value),
                message="not a whole number",
                expected="the option's position among the product's options, such as 1",
            )
        )
        return index + 1

    ordered = sorted(
        ((index, option) for index, option in enumerate(raw_options) if isinstance(option, dict)),
        key=lambda pair: position(*pair),
    )
    option_names = [str(option.get("name") or "") for _, option in ordered]
    # Keys that differ between the JSON and the fields of ShopifyProduct; options are listed by position.
    keys = {"price": "variants[0].price"}
    keys.update({f"option{number}_name": f"options[{index}].name" for number, (index, _) in enumerate(ordered, 1)})

    def where(key: str) -> str:
        return join_path(origin, keys.get(key, key))

    variants = []
    raw_variants = item.get("variants")
    if not isinstance(raw_variants, list) or not raw_variants:
        # Every Shopify product has at least one variant, and the variant carries its price.
        errors.append(
            FieldError(
                file=file,
                path=where("variants"),
                value=show_value(raw_variants),
                message="missing or not a list" if not isinstance(raw_variants, list) else "no variants",
                expected="the product's variants, each with sku, price and option1..option3",
            )
        )
        raw_variants = []
    for index, raw in enumerate(raw_variants):
        if not isinstance(raw, dict):
            continue
        variant_origin = join_path(origin, f"variants[{index}]")

        def variant_where(key: str, variant_origin: str = variant_origin) -> str:
            return join_path(variant_origin, key)

        variants.append(
            ShopifyVariant(
                sku=_text(raw.get("sku")),
                price=_text(raw.get("price")),
                grams=_text(raw.get("grams")),
                weight=_text(raw.get("weight")),
                weight_unit=_text(raw.get("weight_unit")),
                options=[_text(raw.get(f"option{number}")) for number in (1, 2, 3)],
                where=variant_where,
            )
        )
    return ShopifyProduct(
        origin=origin,
        handle=_text(item.get("handle")),
        title=_text(item.get("title")),
        body_html=_text(item.get("body_html")),
        vendor=_text(item.get("vendor")),
        category=_category(item.get("category")),
        product_type=_text(item.get("product_type")),
        seo_description="",
        status=_text(item.get("status")),
        option_names=option_names,
        variants=variants,
        where=where,
        errors=errors,
    )


def _category(value: Any) -> str:
    """Read the taxonomy path, which newer payloads carry as {"full_name": ...} and older ones lack."""
    if isinstance(value, dict):
        return _text(value.get("full_name") or value.get("name"))
    return _text(value)


def _text(value: Any) -> str:
    if value is None:
        return ""
    return str(value).strip()


def is_shopify_product(item: dict[str, Any]) -> bool:
    """Check whether a JSON object has the shape of a Shopify product resource."""
    return "handle" in item and ("variants" in item or "body_html" in item)
