"""Draw the Teams app icons of charterbot (run: `.venv/bin/python teams/make_icons.py`).

color.png 192×192: a white speech bubble holding a check mark on the accent colour.
outline.png 32×32: the same bubble and check, white on transparent (Teams' rule for outlines).
Drawn at 4× and scaled down for smooth edges; the output is committed, this script documents it.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent
ACCENT = (31, 95, 173, 255)  # #1F5FAD, the manifest's accentColor
WHITE = (255, 255, 255, 255)


def _bubble(
    draw: ImageDraw.ImageDraw, size: int, *, fill: tuple[int, ...] | None, width: int
) -> None:
    s = size
    box = (0.16 * s, 0.18 * s, 0.84 * s, 0.70 * s)
    draw.rounded_rectangle(box, radius=0.12 * s, fill=fill, outline=WHITE, width=width)
    tail = [(0.30 * s, 0.68 * s), (0.30 * s, 0.84 * s), (0.46 * s, 0.68 * s)]
    draw.polygon(tail, fill=fill or WHITE)


def _check(draw: ImageDraw.ImageDraw, size: int, colour: tuple[int, ...], width: int) -> None:
    s = size
    points = [(0.33 * s, 0.45 * s), (0.45 * s, 0.57 * s), (0.68 * s, 0.32 * s)]
    draw.line(points, fill=colour, width=width, joint="curve")


def color_icon(size: int = 192) -> Image.Image:
    big = size * 4
    image = Image.new("RGBA", (big, big), ACCENT)
    draw = ImageDraw.Draw(image)
    _bubble(draw, big, fill=WHITE, width=1)
    _check(draw, big, ACCENT, width=int(big * 0.07))
    return image.resize((size, size), Image.Resampling.LANCZOS)


def outline_icon(size: int = 32) -> Image.Image:
    big = size * 8
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    _bubble(draw, big, fill=None, width=int(big * 0.07))
    _check(draw, big, WHITE, width=int(big * 0.08))
    small = image.resize((size, size), Image.Resampling.LANCZOS)
    # only white, with transparency: every pixel's colour is forced to white, alpha kept
    alpha = small.getchannel("A")
    out = Image.new("RGBA", (size, size), WHITE)
    out.putalpha(alpha)
    return out


def main() -> None:
    color_icon().save(HERE / "color.png", optimize=True)
    outline_icon().save(HERE / "outline.png", optimize=True)


if __name__ == "__main__":
    main()
