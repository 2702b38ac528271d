"""Tolerances of the pixel checks, in one place.

CIEDE2000 of about 2 is the smallest difference most people notice side by side;
10 keeps a colour within its everyday name (moss green stays moss green) while
allowing for studio lighting and JPEG shading on live renders.
"""

VARIANT_COLOR_MAX_DELTA_E = 10.0
# A lifestyle scene must show the variant colour on at least this share of pixels.
LIFESTYLE_COLOR_MIN_SHARE = 0.01
# Border pixels count as white when every channel is at least 255 - WHITE_TOLERANCE.
WHITE_TOLERANCE = 5
# Share of border pixels that must be white on a marketplace main image.
WHITE_BORDER_MIN_SHARE = 0.98
# Amazon main images: the product fills at least 85% of the frame.
MAIN_IMAGE_MIN_FILL = 0.85
MIN_LONGEST_SIDE_PX = 1000
