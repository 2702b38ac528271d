"""Tolerances of the pixel checks, in one place; marketplace limits live in copywriting/platforms.py.

CIEDE2000 of about 2 is the smallest difference most people notice side by side;
10 keeps a colour within its everyday name (moss green stays moss green) while
allowing for studio lighting and JPEG shading on live renders. The drift bench
(bench/drift.py) measures how these tolerances separate clean from drifted images.
"""

VARIANT_COLOR_MAX_DELTA_E = 10.0
# A colour mode covering at least this share of the product region is one of its major colours; the variant
# colour must be within VARIANT_COLOR_MAX_DELTA_E of one of them (or of the dominant one).
MAJOR_COLOR_MIN_SHARE = 0.25
# A lifestyle scene must show the variant colour on at least this share of pixels.
LIFESTYLE_COLOR_MIN_SHARE = 0.01
# A pixel counts as white when every channel is at least 255 - WHITE_TOLERANCE; JPEG encoding alone moves
# a pure white background by 1 or 2.
WHITE_TOLERANCE = 5
# Share of border pixels that must be white on an image planned on white.
WHITE_BORDER_MIN_SHARE = 0.98
# A non-white border whose darkest channel varies by at most this much (5th to 95th percentile) is a
# uniform backdrop of the wrong colour; more, and it is a shadow, gradient or vignette on the background.
BACKGROUND_UNIFORM_SPREAD = 8
# A product region covering less of its bounding box than this is an outline or shading, not a body: a
# product the colour of the white backdrop. Filled offline renders of the example products cover 0.26 (a
# pendant crescent and its chain) or more.
SPARSE_REGION_MAX_DENSITY = 0.2
# The outline and shading of a white product on white are neutral greys no darker than this CIELCh
# lightness. The offline renderer draws them at about 48 and 75. A darker or coloured thin region is the
# product itself, such as a black wire frame.
OUTLINE_MIN_LIGHTNESS = 30.0
OUTLINE_MAX_CHROMA = 12.0
# A white product with a print on it separates from white only by its light grey outline and the print. So
# when the variant is near white and the outline light grey, a colour that covers at least this share of the
# silhouette counts as a major colour. The silhouette is the product region with what it encloses.
SILHOUETTE_BODY_MIN_SHARE = 0.5

# A CSS colour name contradicts a variant's color_hex only beyond this CIEDE2000 difference, and then by hue,
# by a neutral against a vivid colour, or by two neutrals' lightness (consistency/color_names.py).
# Names stretch far: "Blue" for a light blue is ΔE 50 from CSS blue.
NAME_MAX_DELTA_E = 40.0
# Hues are compared when both colours have at least this CIELCh chroma, and differ beyond this many degrees.
NAME_HUE_MIN_CHROMA = 25.0
NAME_MAX_HUE_DIFFERENCE = 75.0
# Chroma up to this is a neutral (white, grey, black). A neutral contradicts a colour of at least the vivid chroma.
NAME_NEUTRAL_MAX_CHROMA = 10.0
NAME_VIVID_MIN_CHROMA = 40.0

# An image with at least this share of its pixels one flat colour shows no product: a blank render, or one whose
# every pixel is transparent, which composites to plain white. A white product on white still has its outline
# and shading, over 1% of the frame.
BLANK_IMAGE_MIN_SHARE = 0.995
