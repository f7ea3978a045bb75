//! LOLWUT's art, ported from Redis 7.0's lolwut.c (canvas, Bresenham lines, rotated squares),
//! lolwut5.c (Georg Nees' "Schotter" in braille characters) and lolwut6.c (a skyline in
//! terminal colours). Redis 7.0 itself has no art: plain LOLWUT prints its version, as
//! Redis's "unstable" LOLWUT. The drawings use C's float arithmetic step by step, so every
//! deterministic part (Schotter's first two rows, all of it with 2 rows or fewer) is
//! byte-identical to Redis's; the random parts use our generator instead of libc's `rand()`.

use std::f64::consts::PI;

use crate::cmd::{Error, parse_int};

/// libc's `rand()`: 0..=RAND_MAX (2^31 - 1).
fn rand() -> i64 {
    (crate::rand::next_u64() >> 33) as i64
}

const RAND_MAX: f32 = 2147483647.0;

/// The literal lolwut.c divides by (not `SQRT_2`: the last digits matter for rounding).
#[expect(clippy::approx_constant, reason = "Redis's exact literal")]
const REDIS_SQRT_2: f64 = 1.4142135623;

struct Canvas {
    width: i64,
    height: i64,
    pixels: Vec<u8>,
}

impl Canvas {
    fn new(width: i64, height: i64, bg: u8) -> Canvas {
        Canvas {
            width,
            height,
            pixels: vec![bg; (width.max(0) * height.max(0)) as usize],
        }
    }

    fn draw_pixel(&mut self, x: i64, y: i64, color: u8) {
        if x < 0 || x >= self.width || y < 0 || y >= self.height {
            return;
        }
        self.pixels[(x + y * self.width) as usize] = color;
    }

    fn get_pixel(&self, x: i64, y: i64) -> u8 {
        if x < 0 || x >= self.width || y < 0 || y >= self.height {
            return 0;
        }
        self.pixels[(x + y * self.width) as usize]
    }

    fn draw_line(&mut self, mut x1: i64, mut y1: i64, x2: i64, y2: i64, color: u8) {
        let dx = (x2 - x1).abs();
        let dy = (y2 - y1).abs();
        let sx = if x1 < x2 { 1 } else { -1 };
        let sy = if y1 < y2 { 1 } else { -1 };
        let mut err = dx - dy;
        loop {
            self.draw_pixel(x1, y1, color);
            if x1 == x2 && y1 == y2 {
                break;
            }
            let e2 = err * 2;
            if e2 > -dy {
                err -= dy;
                x1 += sx;
            }
            if e2 < dx {
                err += dx;
                y1 += sy;
            }
        }
    }

    /// lwDrawSquare: `size` and `angle` are C floats.
    fn draw_square(&mut self, x: i64, y: i64, size: f32, angle: f32, color: u8) {
        // Redis's `size /= 1.4142135623` on a float: computed in double, stored as float.
        let mut size = (size as f64 / REDIS_SQRT_2) as f32;
        size = (size as f64).round() as f32;
        let mut px = [0i64; 4];
        let mut py = [0i64; 4];
        let mut k: f32 = (PI / 4.0 + angle as f64) as f32;
        for j in 0..4 {
            px[j] = ((k as f64).sin() * size as f64 + x as f64).round() as i64;
            py[j] = ((k as f64).cos() * size as f64 + y as f64).round() as i64;
            k = (k as f64 + PI / 2.0) as f32;
        }
        for j in 0..4 {
            self.draw_line(px[j], py[j], px[(j + 1) % 4], py[(j + 1) % 4], color);
        }
    }
}

/// The optional numeric arguments (`getLongFromObjectOrReply`).
fn long_arg(args: &[bytes::Bytes], i: usize, default: i64) -> Result<i64, Error> {
    match args.get(i) {
        Some(a) => parse_int(a).map_err(|_| Error::NotInteger),
        None => Ok(default),
    }
}

/// Plain LOLWUT on Redis 7.0.
pub fn unstable() -> String {
    format!("Redis ver. {}\n", crate::REDIS_COMPAT_VERSION)
}

fn schotter(console_cols: i64, per_row: i64, per_col: i64) -> Canvas {
    let canvas_width = console_cols * 2;
    let padding = if canvas_width > 4 { 2 } else { 0 };
    let square_side: f32 = (canvas_width - padding * 2) as f32 / per_row as f32;
    let canvas_height = (square_side * per_col as f32 + (padding * 2) as f32) as i64;
    let mut canvas = Canvas::new(canvas_width, canvas_height, 0);
    for y in 0..per_col {
        for x in 0..per_row {
            let mut sx = (x as f32 * square_side + square_side / 2.0 + padding as f32) as i64;
            let mut sy = (y as f32 * square_side + square_side / 2.0 + padding as f32) as i64;
            let mut angle: f32 = 0.0;
            if y > 1 {
                let mut r1 = rand() as f32 / RAND_MAX / per_col as f32 * y as f32;
                let mut r2 = rand() as f32 / RAND_MAX / per_col as f32 * y as f32;
                let mut r3 = rand() as f32 / RAND_MAX / per_col as f32 * y as f32;
                if rand() % 2 == 1 {
                    r1 = -r1;
                }
                if rand() % 2 == 1 {
                    r2 = -r2;
                }
                if rand() % 2 == 1 {
                    r3 = -r3;
                }
                angle = r1;
                sx = (sx as f32 + r2 * square_side / 3.0) as i64;
                sy = (sy as f32 + r3 * square_side / 3.0) as i64;
            }
            canvas.draw_square(sx, sy, square_side, angle, 1);
        }
    }
    canvas
}

/// A 2x4 pixel group as a braille character (lwTranslatePixelsGroup).
fn braille(byte: u32, out: &mut Vec<u8>) {
    let code = 0x2800 + byte;
    out.push((0xE0 | (code >> 12)) as u8);
    out.push((0x80 | ((code >> 6) & 0x3F)) as u8);
    out.push((0x80 | (code & 0x3F)) as u8);
}

fn render_braille(c: &Canvas) -> Vec<u8> {
    let mut text = Vec::new();
    let mut y = 0;
    while y < c.height {
        let mut x = 0;
        while x < c.width {
            let mut byte = 0u32;
            let bits = [
                (x, y, 0),
                (x, y + 1, 1),
                (x, y + 2, 2),
                (x + 1, y, 3),
                (x + 1, y + 1, 4),
                (x + 1, y + 2, 5),
                (x, y + 3, 6),
                (x + 1, y + 3, 7),
            ];
            for (px, py, bit) in bits {
                if c.get_pixel(px, py) != 0 {
                    byte |= 1 << bit;
                }
            }
            braille(byte, &mut text);
            x += 2;
        }
        if y != c.height - 1 {
            text.push(b'\n');
        }
        y += 4;
    }
    text
}

/// LOLWUT VERSION 5 [columns [squares-per-row [squares-per-col]]].
pub fn v5(args: &[bytes::Bytes]) -> Result<Vec<u8>, Error> {
    let cols = long_arg(args, 1, 66)?.clamp(1, 1000);
    let per_row = long_arg(args, 2, 8)?.clamp(1, 200);
    let per_col = long_arg(args, 3, 12)?.clamp(1, 200);
    let canvas = schotter(cols, per_row, per_col);
    let mut text = render_braille(&canvas);
    text.extend_from_slice(b"\nGeorg Nees - schotter, plotter on paper, 1968. Redis ver. ");
    text.extend_from_slice(crate::REDIS_COMPAT_VERSION.as_bytes());
    text.push(b'\n');
    Ok(text)
}

struct Skyscraper {
    xoff: i64,
    width: i64,
    height: i64,
    windows: bool,
    color: u8,
}

fn skyscraper(c: &mut Canvas, si: &Skyscraper) {
    let starty = c.height - 1;
    let endy = starty - si.height + 1;
    let mut y = starty;
    while y >= endy {
        for x in si.xoff..si.xoff + si.width {
            if y == endy && (x <= si.xoff + 1 || x >= si.xoff + si.width - 2) {
                continue;
            }
            let mut color = si.color;
            if si.windows
                && x > si.xoff + 1
                && x < si.xoff + si.width - 2
                && y > endy + 1
                && y < starty - 1
            {
                let relx = x - (si.xoff + 1);
                let rely = y - (endy + 1);
                if (relx / 2) % 2 != 0 && rely % 2 != 0 {
                    loop {
                        color = (1 + rand() % 2) as u8;
                        if color != si.color {
                            break;
                        }
                    }
                    if relx % 2 != 0 {
                        color = c.get_pixel(x - 1, y);
                    }
                }
            }
            c.draw_pixel(x, y, color);
        }
        y -= 1;
    }
}

fn skyline(c: &mut Canvas) {
    let h = c.height;
    for color in [2u8, 1] {
        let mut offset = -10;
        while offset < c.width {
            offset += rand() % 8;
            let width = 10 + rand() % 9;
            // C: canvas->height/2 + rand()%canvas->height/2, i.e. (rand() % h) / 2.
            let height = if color == 2 {
                h / 2 + (rand() % h) / 2
            } else {
                h / 2 + (rand() % h) / 3
            };
            let si = Skyscraper {
                xoff: offset,
                width,
                height,
                windows: false,
                color,
            };
            skyscraper(c, &si);
            offset += if color == 2 { width / 2 } else { width + 1 };
        }
    }
    let mut offset = -10;
    while offset < c.width {
        offset += rand() % 8;
        let mut width = 5 + rand() % 14;
        if width % 4 != 0 {
            width += width % 3;
        }
        let height = h / 3 + (rand() % h) / 2;
        let si = Skyscraper {
            xoff: offset,
            width,
            height,
            windows: true,
            color: 0,
        };
        skyscraper(c, &si);
        offset += width + 5;
    }
}

/// LOLWUT VERSION 6 [columns [rows]].
pub fn v6(args: &[bytes::Bytes]) -> Result<Vec<u8>, Error> {
    let cols = long_arg(args, 1, 80)?.clamp(1, 1000);
    let rows = long_arg(args, 2, 20)?.clamp(1, 1000);
    let mut canvas = Canvas::new(cols, rows, 3);
    skyline(&mut canvas);
    let mut text = Vec::new();
    for y in 0..canvas.height {
        for x in 0..canvas.width {
            let ce: &[u8] = match canvas.get_pixel(x, y) {
                1 => b"0;90;100m",
                2 => b"0;37;47m",
                3 => b"0;97;107m",
                _ => b"0;30;40m",
            };
            text.extend_from_slice(b"\x1b[");
            text.extend_from_slice(ce);
            text.extend_from_slice(b" \x1b[0m");
        }
        if y != canvas.height - 1 {
            text.push(b'\n');
        }
    }
    text.extend_from_slice(b"\nDedicated to the 8 bit game developers of past and present.\nOriginal 8 bit image from Plaguemon by hikikomori. Redis ver. ");
    text.extend_from_slice(crate::REDIS_COMPAT_VERSION.as_bytes());
    text.push(b'\n');
    Ok(text)
}
