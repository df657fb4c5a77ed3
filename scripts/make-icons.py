#!/usr/bin/env python3
"""Renders the app icons (public/icon-*.png) from the shape in public/icon.svg.

The SVG is a rounded blue square with a white check mark; browsers that install the app
want PNGs in fixed sizes, and a "maskable" one whose artwork keeps to the inner 80 % (the
platform cuts it into a circle or squircle). Pure Python (zlib), so no image tool is needed;
run it again only when the icon changes.
"""
import math
import struct
import zlib
from pathlib import Path

BLUE = (0x1D, 0x4E, 0xD8)
WHITE = (0xFF, 0xFF, 0xFF)
# The check mark in the SVG's 512-unit space, and its stroke's half width.
CHECK = [(150, 270), (220, 340), (362, 180)]
HALF_STROKE = 24
RADIUS = 96


def seg_dist(px, py, ax, ay, bx, by):
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def in_rounded_square(x, y, r):
    cx = min(max(x, r), 512 - r)
    cy = min(max(y, r), 512 - r)
    return math.hypot(x - cx, y - cy) <= r


def render(size, maskable):
    samples = 4
    rows = []
    for j in range(size):
        row = bytearray([0])  # filter: none
        for i in range(size):
            acc = [0, 0, 0, 0]
            for sj in range(samples):
                for si in range(samples):
                    x = (i + (si + 0.5) / samples) * 512 / size
                    y = (j + (sj + 0.5) / samples) * 512 / size
                    if maskable:
                        # full-bleed background; the mark scaled to the 80 % safe zone
                        inside, mx, my = True, 256 + (x - 256) / 0.8, 256 + (y - 256) / 0.8
                    else:
                        inside, mx, my = in_rounded_square(x, y, RADIUS), x, y
                    if not inside:
                        continue
                    on_check = min(seg_dist(mx, my, *CHECK[k], *CHECK[k + 1]) for k in range(2)) <= HALF_STROKE
                    c = WHITE if on_check else BLUE
                    acc[0] += c[0]; acc[1] += c[1]; acc[2] += c[2]; acc[3] += 255
            n = samples * samples
            a = acc[3] / n
            if a == 0:
                row += bytes(4)
            else:
                row += bytes([round(acc[0] * 255 / acc[3]), round(acc[1] * 255 / acc[3]), round(acc[2] * 255 / acc[3]), round(a)])
        rows.append(bytes(row))
    raw = b"".join(rows)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


if __name__ == "__main__":
    public = Path(__file__).resolve().parent.parent / "public"
    for name, size, maskable in [("icon-192.png", 192, False), ("icon-512.png", 512, False),
                                 ("icon-maskable-512.png", 512, True), ("apple-touch-icon.png", 180, True)]:
        (public / name).write_bytes(render(size, maskable))
        print(f"public/{name}: {size}x{size}")
