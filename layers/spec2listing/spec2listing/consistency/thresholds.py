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

# A variant's colour name contradicts its color_hex by hue, by chroma or by lightness, each measured in OkLCh
# (consistency/color_names.py). OkLCh keeps one hue from navy to light blue, where CIELCh turns blue by 77°.
# Lightness is in percent, chroma as CSS oklch() writes it (0 to about 0.37). A strict name contains only colour
# and shade words ("Navy", "Dark Grey") and gets the narrower tolerances. The other words of a loose name
# ("Tiffany Blue", "Heather Navy", "Off White") stretch its colour.
# Chroma up to NAME_NEUTRAL_MAX_CHROMA is a neutral (white, grey, black, charcoal #36454F at 0.026), from
# NAME_VIVID_MIN_CHROMA a vivid colour (dark green #006400 at 0.148, gold #FFD700 at 0.182). In between lie
# tints such as beige (0.033), light blue (0.049), pink (0.074) and navy fabric #1F2A44 (0.050).
NAME_NEUTRAL_MAX_CHROMA = 0.03
NAME_VIVID_MIN_CHROMA = 0.10
# A strict neutral name is contradicted by a color_hex from this chroma on ("White" for light pink #FFB6C1 at
# 0.086, "Black" for dark brown #5C4033 at 0.045), a loose one only by a vivid colour. Near black, and for a
# hue the name shares ("Ivory" for #F3E5AB at 0.076), the loose limit applies to a strict name too.
NAME_STRICT_NEUTRAL_MAX_CHROMA = 0.04
# Hues are compared when both colours have at least NAME_HUE_MIN_CHROMA, so that hueless greys never clash.
# They contradict beyond NAME_STRICT_MAX_HUE_DIFFERENCE degrees for a strict name where both have at least
# NAME_STRICT_HUE_MIN_CHROMA: red to orange is 41°, indigo to a dark denim blue 49°, but blue to teal 69°.
# Fainter hues wander ("Beige" for a pinkish #D8BFB0 is 54° off), and a loose name stretches, so both get
# NAME_MAX_HUE_DIFFERENCE: "Tiffany Blue" #0ABAB5 is 73° from blue, while red to green is 113°.
NAME_HUE_MIN_CHROMA = 0.03
NAME_STRICT_HUE_MIN_CHROMA = 0.06
NAME_STRICT_MAX_HUE_DIFFERENCE = 50.0
NAME_MAX_HUE_DIFFERENCE = 90.0
# Two colours of at least NAME_TINT_MIN_CHROMA whose hues are within NAME_MAX_HUE_DIFFERENCE are shades of one
# colour, so a near-neutral color_hex passes for a coloured name: an iPhone "Blue" #D5DDE0 (0.0096), "Navy"
# fabric #343A48 (0.026).
NAME_TINT_MIN_CHROMA = 0.008
# A name that is no vivid colour (a neutral or a tint) is also a lightness: its color_hex may be this much
# lighter or darker. "Grey" (60) stretches from #1A1A1A (22) to white; "Beige" (96) to a mid brown (#8B7355, 57).
NAME_MAX_LIGHTNESS_DIFFERENCE = 45.0
# A dark vivid colour fades to black, so a neutral color_hex near black is a shade of a name this dark: navy
# (27) or burgundy (38) for #000000, but not blue (45) or red (63). A pale one fades to white, so a neutral
# color_hex near white is a shade of a name that says "light" or "pale" ("Pale Yellow" for #FFFFF0).
NAME_NEAR_BLACK_MAX_LIGHTNESS = 30.0
NAME_DARK_MAX_LIGHTNESS = 45.0
NAME_NEAR_WHITE_MIN_LIGHTNESS = 90.0
# A color_hex more than NAME_DARK_MAX_LIGHTER lighter contradicts a strict name of a vivid colour of lightness up
# to NAME_DARK_NAME_MAX_LIGHTNESS. So "Navy" (27) fails for sky blue #87CEEB (82) and "Maroon" (38) for hot pink
# #FF69B4 (73), while navy fabric reaches #2C3E50 (36). Purple (42) is left out, because it has pale editions.
NAME_DARK_MAX_LIGHTER = 20.0
NAME_DARK_NAME_MAX_LIGHTNESS = 40.0
# "Dark" or "deep" before a colour allows a color_hex at most this much lighter than the colour without the
# word. A lighter shade word ("light", "ice", "baby") allows one at most this much darker. So "Dark Red" for
# #FF6B6B and "Ice Blue" for navy contradict, while "Light Blue" for steel blue #4682B4 does not.
NAME_SHADE_MAX_LIGHTNESS_DIFFERENCE = 5.0

# An image with at least this share of its pixels one flat colour shows no product: a blank render, or one whose
# every pixel is transparent, which composites to plain white. A pair of 40 px stud earrings on a 1024 px
# packshot covers 0.24% of it, and a white product on white has its outline and shading.
BLANK_IMAGE_MIN_SHARE = 0.9995
