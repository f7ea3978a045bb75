//! GEO commands, as Redis 7.0's `geo.c`, `geohash.c` and `geohash_helper.c`: GEOADD, GEOPOS,
//! GEODIST, GEOHASH, GEOSEARCH, GEOSEARCHSTORE, GEORADIUS, GEORADIUSBYMEMBER and their `_RO`
//! variants.
//!
//! Positions live in a sorted set whose score is the 52-bit interleaved geohash of the point
//! (latitude bits at even positions, longitude bits at odd ones, 26 steps, latitude range
//! +-85.05112878 as Web Mercator). A search computes the center cell and its 8 neighbours at a
//! step estimated from the radius (`areas`), scans the score ranges of those cells, and keeps
//! the points within the shape by haversine distance (earth radius 6372797.560856 m). The
//! arithmetic is ported step by step so results, and the order of unsorted results, match
//! Redis; distances are printed with `%.4f` and coordinates like Redis's `LD_STR_HUMAN`.

use bytes::Bytes;

use crate::cmd::args::is;
use crate::cmd::table::{Command, flags::*, keys};
use crate::cmd::{CmdResult, Ctx, Error, parse_int};
use crate::family::zset::{ScoreRange, parse_score, store_result, zset_at};
use crate::protocol::Reply;
use crate::types::ZSet;

// ---------------------------------------------------------------------------------------------
// geohash.c

const STEP_MAX: u8 = 26;
const LAT_MIN: f64 = -85.05112878;
const LAT_MAX: f64 = 85.05112878;
const LONG_MIN: f64 = -180.0;
const LONG_MAX: f64 = 180.0;
const D_R: f64 = std::f64::consts::PI / 180.0;
const EARTH_RADIUS_IN_METERS: f64 = 6372797.560856;
const MERCATOR_MAX: f64 = 20037726.37;

#[derive(Debug, Clone, Copy, PartialEq, Default)]
struct Bits {
    bits: u64,
    step: u8,
}

impl Bits {
    fn is_zero(&self) -> bool {
        self.bits == 0 && self.step == 0
    }
}

#[derive(Debug, Clone, Copy)]
struct Range {
    min: f64,
    max: f64,
}

#[derive(Debug, Clone, Copy)]
struct Area {
    lon: Range,
    lat: Range,
}

const LONG_RANGE: Range = Range {
    min: LONG_MIN,
    max: LONG_MAX,
};
const LAT_RANGE: Range = Range {
    min: LAT_MIN,
    max: LAT_MAX,
};

/// Spreads the 32 bits of `x` to the even bit positions.
fn spread(x: u32) -> u64 {
    let mut v = x as u64;
    v = (v | (v << 16)) & 0x0000_FFFF_0000_FFFF;
    v = (v | (v << 8)) & 0x00FF_00FF_00FF_00FF;
    v = (v | (v << 4)) & 0x0F0F_0F0F_0F0F_0F0F;
    v = (v | (v << 2)) & 0x3333_3333_3333_3333;
    (v | (v << 1)) & 0x5555_5555_5555_5555
}

/// Gathers the even bits of `v` into 32 bits.
fn squash(v: u64) -> u32 {
    let mut v = v & 0x5555_5555_5555_5555;
    v = (v | (v >> 1)) & 0x3333_3333_3333_3333;
    v = (v | (v >> 2)) & 0x0F0F_0F0F_0F0F_0F0F;
    v = (v | (v >> 4)) & 0x00FF_00FF_00FF_00FF;
    v = (v | (v >> 8)) & 0x0000_FFFF_0000_FFFF;
    v = (v | (v >> 16)) & 0x0000_0000_FFFF_FFFF;
    v as u32
}

/// `geohashEncode`: `None` if the point is outside the ranges.
fn encode(lon_r: Range, lat_r: Range, lon: f64, lat: f64, step: u8) -> Option<Bits> {
    if step > 32 || step == 0 {
        return None;
    }
    if lat < lat_r.min || lat > lat_r.max || lon < lon_r.min || lon > lon_r.max {
        return None;
    }
    let lat_off = (lat - lat_r.min) / (lat_r.max - lat_r.min) * (1u64 << step) as f64;
    let lon_off = (lon - lon_r.min) / (lon_r.max - lon_r.min) * (1u64 << step) as f64;
    // C converts the doubles to uint32_t arguments (truncation).
    let bits = spread(lat_off as u32) | (spread(lon_off as u32) << 1);
    Some(Bits { bits, step })
}

fn encode_wgs84(lon: f64, lat: f64, step: u8) -> Option<Bits> {
    encode(LONG_RANGE, LAT_RANGE, lon, lat, step)
}

/// `geohashDecode`.
fn decode(lon_r: Range, lat_r: Range, h: Bits) -> Option<Area> {
    if h.is_zero() {
        return None;
    }
    let step = h.step as u32;
    let ilato = squash(h.bits);
    let ilono = squash(h.bits >> 1);
    let div = (1u64 << step) as f64;
    let lat_scale = lat_r.max - lat_r.min;
    let lon_scale = lon_r.max - lon_r.min;
    Some(Area {
        lat: Range {
            min: lat_r.min + (ilato as f64 / div) * lat_scale,
            max: lat_r.min + (ilato.wrapping_add(1) as f64 / div) * lat_scale,
        },
        lon: Range {
            min: lon_r.min + (ilono as f64 / div) * lon_scale,
            max: lon_r.min + (ilono.wrapping_add(1) as f64 / div) * lon_scale,
        },
    })
}

/// `geohashDecodeAreaToLongLat`.
fn area_center(a: &Area) -> [f64; 2] {
    let lon = ((a.lon.min + a.lon.max) / 2.0).clamp(LONG_MIN, LONG_MAX);
    let lat = ((a.lat.min + a.lat.max) / 2.0).clamp(LAT_MIN, LAT_MAX);
    [lon, lat]
}

/// C's `(uint64_t)` conversion of a double as x86-64 performs it (`cvttsd2si`, whose
/// out-of-range result is `0x8000000000000000`), for scores that are not geohashes.
fn c_double_to_u64(d: f64) -> u64 {
    const TWO63: f64 = 9223372036854775808.0;
    let cvt = |v: f64| -> u64 {
        if !(-TWO63..TWO63).contains(&v) {
            0x8000_0000_0000_0000
        } else {
            v as i64 as u64
        }
    };
    if d < TWO63 {
        cvt(d)
    } else {
        cvt(d - TWO63) ^ 0x8000_0000_0000_0000
    }
}

/// `decodeGeohash`: the position a score stands for.
fn decode_score(score: f64) -> Option<[f64; 2]> {
    let h = Bits {
        bits: c_double_to_u64(score),
        step: STEP_MAX,
    };
    decode(LONG_RANGE, LAT_RANGE, h).map(|a| area_center(&a))
}

const ODD: u64 = 0xaaaa_aaaa_aaaa_aaaa;
const EVEN: u64 = 0x5555_5555_5555_5555;

/// `geohash_move_x` (`axis` = ODD, the longitude bits) and `geohash_move_y` (`axis` = EVEN,
/// the latitude bits): the cell `d` steps along one axis, wrapping around.
fn move_axis(h: &mut Bits, d: i8, axis: u64) {
    if d == 0 {
        return;
    }
    let shift = 64 - h.step as u32 * 2;
    let mut v = h.bits & axis;
    let other = h.bits & !axis;
    // The other axis's bits, all set, carry an addition across this axis's bits.
    let zz = !axis >> shift;
    if d > 0 {
        v = v.wrapping_add(zz + 1);
    } else {
        v |= zz;
        v = v.wrapping_sub(zz + 1);
    }
    v &= axis >> shift;
    h.bits = v | other;
}

fn moved(h: Bits, dx: i8, dy: i8) -> Bits {
    let mut n = h;
    move_axis(&mut n, dx, ODD);
    move_axis(&mut n, dy, EVEN);
    n
}

/// The 8 neighbours of a cell.
#[derive(Debug, Clone, Copy)]
struct Neighbors {
    north: Bits,
    south: Bits,
    east: Bits,
    west: Bits,
    north_east: Bits,
    north_west: Bits,
    south_east: Bits,
    south_west: Bits,
}

fn neighbors(h: Bits) -> Neighbors {
    Neighbors {
        east: moved(h, 1, 0),
        west: moved(h, -1, 0),
        south: moved(h, 0, -1),
        north: moved(h, 0, 1),
        north_west: moved(h, -1, 1),
        south_west: moved(h, -1, -1),
        north_east: moved(h, 1, 1),
        south_east: moved(h, 1, -1),
    }
}

// ---------------------------------------------------------------------------------------------
// geohash_helper.c

#[inline]
fn deg_rad(a: f64) -> f64 {
    a * D_R
}

#[inline]
fn rad_deg(a: f64) -> f64 {
    a / D_R
}

fn estimate_steps_by_radius(range_meters: f64, lat: f64) -> u8 {
    if range_meters == 0.0 {
        return 26;
    }
    let mut range = range_meters;
    let mut step: i32 = 1;
    while range < MERCATOR_MAX {
        range *= 2.0;
        step += 1;
    }
    step -= 2;
    if !(-66.0..=66.0).contains(&lat) {
        step -= 1;
        if !(-80.0..=80.0).contains(&lat) {
            step -= 1;
        }
    }
    step.clamp(1, 26) as u8
}

/// `geohashGetDistance` (Redis 7.0's haversine).
fn distance(lon1d: f64, lat1d: f64, lon2d: f64, lat2d: f64) -> f64 {
    let lat1r = deg_rad(lat1d);
    let lon1r = deg_rad(lon1d);
    let lat2r = deg_rad(lat2d);
    let lon2r = deg_rad(lon2d);
    let u = ((lat2r - lat1r) / 2.0).sin();
    let v = ((lon2r - lon1r) / 2.0).sin();
    2.0 * EARTH_RADIUS_IN_METERS * (u * u + lat1r.cos() * lat2r.cos() * v * v).sqrt().asin()
}

#[derive(Debug, Clone, Copy)]
enum ShapeKind {
    Radius(f64),
    Box { width: f64, height: f64 },
}

/// A search shape (`GeoShape`): center, size in the unit, and the unit's size in meters.
#[derive(Debug, Clone, Copy)]
struct Shape {
    xy: [f64; 2],
    kind: ShapeKind,
    conversion: f64,
}

impl Shape {
    /// `geohashBoundingBox`: [min lon, min lat, max lon, max lat].
    fn bounding_box(&self) -> [f64; 4] {
        let [lon, lat] = self.xy;
        let (h, w) = match self.kind {
            ShapeKind::Radius(r) => (r, r),
            ShapeKind::Box { width, height } => (height / 2.0, width / 2.0),
        };
        let height = self.conversion * h;
        let width = self.conversion * w;
        let lat_delta = rad_deg(height / EARTH_RADIUS_IN_METERS);
        let long_delta_top =
            rad_deg(width / EARTH_RADIUS_IN_METERS / deg_rad(lat + lat_delta).cos());
        let long_delta_bottom =
            rad_deg(width / EARTH_RADIUS_IN_METERS / deg_rad(lat - lat_delta).cos());
        let south = lat < 0.0;
        [
            if south {
                lon - long_delta_bottom
            } else {
                lon - long_delta_top
            },
            lat - lat_delta,
            if south {
                lon + long_delta_bottom
            } else {
                lon + long_delta_top
            },
            lat + lat_delta,
        ]
    }

    /// `geoAppendIfWithinShape`'s test: the distance from the center if `xy` is inside.
    fn contains(&self, xy: [f64; 2]) -> Option<f64> {
        let [x1, y1] = self.xy;
        let [x2, y2] = xy;
        match self.kind {
            ShapeKind::Radius(r) => {
                let d = distance(x1, y1, x2, y2);
                (d <= r * self.conversion).then_some(d)
            }
            ShapeKind::Box { width, height } => {
                let (w, h) = (width * self.conversion, height * self.conversion);
                let lon_distance = distance(x2, y2, x1, y2);
                let lat_distance = distance(x2, y2, x2, y1);
                if lon_distance > w / 2.0 || lat_distance > h / 2.0 {
                    return None;
                }
                Some(distance(x1, y1, x2, y2))
            }
        }
    }

    /// `geohashCalculateAreasByShapeWGS84`: the cells to scan, in Redis's order (center,
    /// north, south, east, west, north-east, north-west, south-east, south-west); excluded
    /// ones are zero.
    fn areas(&self) -> [Bits; 9] {
        let [min_lon, min_lat, max_lon, max_lat] = self.bounding_box();
        let [lon, lat] = self.xy;
        let radius_meters = match self.kind {
            ShapeKind::Radius(r) => r,
            ShapeKind::Box { width, height } => {
                ((width / 2.0) * (width / 2.0) + (height / 2.0) * (height / 2.0)).sqrt()
            }
        } * self.conversion;
        let mut steps = estimate_steps_by_radius(radius_meters, lat);
        let cell = |steps: u8| {
            let hash = encode_wgs84(lon, lat, steps).unwrap_or_default();
            let n = neighbors(hash);
            let area = decode(LONG_RANGE, LAT_RANGE, hash);
            (hash, n, area)
        };
        let (mut hash, mut n, mut area) = cell(steps);
        let d = |b: Bits| decode(LONG_RANGE, LAT_RANGE, b);
        let mut decrease = false;
        if let (Some(north), Some(south), Some(east), Some(west)) =
            (d(n.north), d(n.south), d(n.east), d(n.west))
        {
            decrease = north.lat.max < max_lat
                || south.lat.min > min_lat
                || east.lon.max < max_lon
                || west.lon.min > min_lon;
        }
        if steps > 1 && decrease {
            steps -= 1;
            (hash, n, area) = cell(steps);
        }
        if steps >= 2
            && let Some(area) = area
        {
            let zero = Bits::default();
            if area.lat.min < min_lat {
                n.south = zero;
                n.south_west = zero;
                n.south_east = zero;
            }
            if area.lat.max > max_lat {
                n.north = zero;
                n.north_east = zero;
                n.north_west = zero;
            }
            if area.lon.min < min_lon {
                n.west = zero;
                n.south_west = zero;
                n.north_west = zero;
            }
            if area.lon.max > max_lon {
                n.east = zero;
                n.south_east = zero;
                n.north_east = zero;
            }
        }
        [
            hash,
            n.north,
            n.south,
            n.east,
            n.west,
            n.north_east,
            n.north_west,
            n.south_east,
            n.south_west,
        ]
    }
}

/// `geohashAlign52Bits`.
fn align52(h: Bits) -> u64 {
    h.bits << (52 - h.step as u32 * 2)
}

// ---------------------------------------------------------------------------------------------
// geo.c

/// A point found by a search.
struct Point {
    member: Vec<u8>,
    lon: f64,
    lat: f64,
    dist: f64,
    score: f64,
}

/// `membersOfAllNeighbors`: the points of `z` within `shape`, cell by cell; stops once
/// `limit` (> 0) points were found.
fn search(z: &ZSet, shape: &Shape, limit: usize) -> Vec<Point> {
    let cells = shape.areas();
    let mut found = Vec::new();
    let mut last: usize = 0;
    for (i, c) in cells.iter().enumerate() {
        if c.is_zero() {
            continue;
        }
        if last != 0 && *c == cells[last] {
            continue;
        }
        if !found.is_empty() && limit > 0 && found.len() >= limit {
            break;
        }
        let min = align52(*c);
        let max = align52(Bits {
            bits: c.bits.wrapping_add(1),
            step: c.step,
        });
        let range = ScoreRange {
            min: min as f64,
            max: max as f64,
            minex: false,
            maxex: true,
        };
        let (lo, hi) = range.ranks(z);
        let mut stop = false;
        z.visit(lo, hi - lo, false, &mut |m, score| {
            if stop {
                return;
            }
            let Some(xy) = decode_score(score) else {
                return;
            };
            if let Some(dist) = shape.contains(xy) {
                found.push(Point {
                    member: m.to_vec(),
                    lon: xy[0],
                    lat: xy[1],
                    dist,
                    score,
                });
                if limit > 0 && found.len() >= limit {
                    stop = true;
                }
            }
        });
        last = i;
    }
    found
}

/// `extractLongLatOrReply`.
fn parse_lonlat(lon: &[u8], lat: &[u8]) -> Result<[f64; 2], Error> {
    let x = parse_score(lon)?;
    let y = parse_score(lat)?;
    if !(LONG_MIN..=LONG_MAX).contains(&x) || !(LAT_MIN..=LAT_MAX).contains(&y) {
        return Err(Error::err(format_args!(
            "invalid longitude,latitude pair {x:.6},{y:.6}"
        )));
    }
    Ok([x, y])
}

/// `extractUnitOrReply`: meters per unit.
fn parse_unit(u: &[u8]) -> Result<f64, Error> {
    if is(u, "m") {
        Ok(1.0)
    } else if is(u, "km") {
        Ok(1000.0)
    } else if is(u, "ft") {
        Ok(0.3048)
    } else if is(u, "mi") {
        Ok(1609.34)
    } else {
        Err(Error::Msg(
            "ERR unsupported unit provided. please use M, KM, FT, MI",
        ))
    }
}

/// `extractDistanceOrReply`: (radius, conversion).
fn parse_radius(r: &[u8], unit: &[u8]) -> Result<(f64, f64), Error> {
    let d = parse_score(r).map_err(|_| Error::Msg("ERR need numeric radius"))?;
    if d < 0.0 {
        return Err(Error::Msg("ERR radius cannot be negative"));
    }
    Ok((d, parse_unit(unit)?))
}

/// `extractBoxOrReply`: (width, height, conversion).
fn parse_box(w: &[u8], h: &[u8], unit: &[u8]) -> Result<(f64, f64, f64), Error> {
    let w = parse_score(w).map_err(|_| Error::Msg("ERR need numeric width"))?;
    let h = parse_score(h).map_err(|_| Error::Msg("ERR need numeric height"))?;
    if h < 0.0 || w < 0.0 {
        return Err(Error::Msg("ERR height or width cannot be negative"));
    }
    Ok((w, h, parse_unit(unit)?))
}

/// `addReplyDoubleDistance`: `%.4f` as a bulk string.
fn reply_distance(out: &mut Reply, d: f64) {
    out.bulk(format!("{d:.4}").as_bytes());
}

/// Redis's `LD_STR_HUMAN` formatting: `%.17Lf` without trailing zeros, `-0` as `0`.
fn human(d: f64) -> String {
    if d.is_infinite() {
        return if d > 0.0 { "inf".into() } else { "-inf".into() };
    }
    let s = format!("{d:.17}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.into() }
}

/// `addReplyHumanLongDouble`.
fn reply_human(out: &mut Reply, d: f64) {
    let s = human(d);
    if out.resp3 {
        out.raw(b",");
        out.raw(s.as_bytes());
        out.raw(b"\r\n");
    } else {
        out.bulk(s.as_bytes());
    }
}

/// GEOADD key [NX|XX] [CH] longitude latitude member [...]: a ZADD of geohash scores, which
/// is also what is propagated.
fn cmd_geoadd(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let (mut xx, mut nx) = (false, false);
    let mut longidx = 2;
    while longidx < argv.len() {
        let o = &argv[longidx];
        if is(o, "nx") {
            nx = true;
        } else if is(o, "xx") {
            xx = true;
        } else if !is(o, "ch") {
            break;
        }
        longidx += 1;
    }
    if !(argv.len() - longidx).is_multiple_of(3) || (xx && nx) {
        return Err(Error::Syntax);
    }
    let elements = (argv.len() - longidx) / 3;
    let mut zargv: Vec<Bytes> = Vec::with_capacity(longidx + elements * 2);
    zargv.push(Bytes::from_static(b"zadd"));
    zargv.extend(argv[1..longidx].iter().cloned());
    for i in 0..elements {
        let at = longidx + i * 3;
        let [lon, lat] = parse_lonlat(&argv[at], &argv[at + 1])?;
        let bits = encode_wgs84(lon, lat, STEP_MAX).map_or(0, align52);
        zargv.push(Bytes::copy_from_slice(
            itoa::Buffer::new().format(bits).as_bytes(),
        ));
        zargv.push(argv[at + 2].clone());
    }
    let dirty = ctx.srv.dirty;
    crate::family::zset::cmd_zadd(ctx, &zargv)?;
    if ctx.srv.dirty != dirty {
        ctx.propagate_as(zargv);
    }
    Ok(())
}

/// GEOPOS key member [member ...]
fn cmd_geopos(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let db = ctx.db;
    let pos: Vec<Option<[f64; 2]>> = match zset_at(ctx.srv, db, &argv[1], true)? {
        Some(z) => argv[2..]
            .iter()
            .map(|m| z.score(m).and_then(decode_score))
            .collect(),
        None => vec![None; argv.len() - 2],
    };
    let out = &mut *ctx.out;
    out.array(pos.len());
    for p in pos {
        match p {
            Some([x, y]) => {
                out.array(2);
                reply_human(out, x);
                reply_human(out, y);
            }
            None => out.null_array(),
        }
    }
    Ok(())
}

/// GEODIST key member1 member2 [M|KM|FT|MI]
fn cmd_geodist(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let mut to_meter = 1.0;
    if argv.len() == 5 {
        to_meter = parse_unit(&argv[4])?;
    } else if argv.len() > 5 {
        return Err(Error::Syntax);
    }
    let db = ctx.db;
    let Some(z) = zset_at(ctx.srv, db, &argv[1], true)? else {
        ctx.out.null();
        return Ok(());
    };
    let a = z.score(&argv[2]).and_then(decode_score);
    let b = z.score(&argv[3]).and_then(decode_score);
    match (a, b) {
        (Some(a), Some(b)) => reply_distance(ctx.out, distance(a[0], a[1], b[0], b[1]) / to_meter),
        _ => ctx.out.null(),
    }
    Ok(())
}

/// GEOHASH key member [member ...]: standard 11-character geohashes.
fn cmd_geohash(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    const ALPHABET: &[u8] = b"0123456789bcdefghjkmnpqrstuvwxyz";
    let db = ctx.db;
    let hashes: Vec<Option<[u8; 11]>> = match zset_at(ctx.srv, db, &argv[1], true)? {
        Some(z) => argv[2..]
            .iter()
            .map(|m| {
                let [x, y] = decode_score(z.score(m)?)?;
                let r_lon = Range {
                    min: -180.0,
                    max: 180.0,
                };
                let r_lat = Range {
                    min: -90.0,
                    max: 90.0,
                };
                let h = encode(r_lon, r_lat, x, y, 26).unwrap_or_default();
                let mut buf = [0u8; 11];
                for (i, b) in buf.iter_mut().enumerate() {
                    let idx = if i == 10 {
                        0
                    } else {
                        (h.bits >> (52 - (i + 1) * 5)) & 0x1f
                    };
                    *b = ALPHABET[idx as usize];
                }
                Some(buf)
            })
            .collect(),
        None => vec![None; argv.len() - 2],
    };
    ctx.out.array(hashes.len());
    for h in hashes {
        match h {
            Some(b) => ctx.out.bulk(&b),
            None => ctx.out.null(),
        }
    }
    Ok(())
}

/// Which command runs `georadius_generic` (Redis's `RADIUS_*` / `GEOSEARCH*` flags).
#[derive(Clone, Copy, PartialEq)]
enum Variant {
    RadiusCoords { nostore: bool },
    RadiusMember { nostore: bool },
    Search,
    SearchStore,
}

#[derive(Clone, Copy, PartialEq)]
enum Sort {
    None,
    Asc,
    Desc,
}

/// Redis's `georadiusGeneric`.
fn georadius_generic(ctx: &mut Ctx, argv: &[Bytes], src: usize, v: Variant) -> CmdResult {
    let db = ctx.db;
    // Look the source up once (hit/miss), then work on a snapshot of what is needed.
    let exists = zset_at(ctx.srv, db, &argv[src], true)?.is_some();
    let member_pos = |ctx: &mut Ctx, m: &[u8]| -> Result<[f64; 2], Error> {
        zset_at(ctx.srv, db, &argv[src], false)?
            .and_then(|z| z.score(m))
            .and_then(decode_score)
            .ok_or(Error::Msg("ERR could not decode requested zset member"))
    };
    let mut storekey: Option<Bytes> = None;
    let mut storedist = false;
    let mut xy = [0.0f64; 2];
    let mut kind: Option<ShapeKind> = None;
    let mut conversion = 1.0;
    let search = matches!(v, Variant::Search | Variant::SearchStore);
    let base_args = match v {
        Variant::RadiusCoords { .. } => {
            xy = parse_lonlat(&argv[2], &argv[3])?;
            let (r, c) = parse_radius(&argv[4], &argv[5])?;
            kind = Some(ShapeKind::Radius(r));
            conversion = c;
            6
        }
        Variant::RadiusMember { .. } if !exists => 5,
        Variant::RadiusMember { .. } => {
            xy = member_pos(ctx, &argv[2])?;
            let (r, c) = parse_radius(&argv[3], &argv[4])?;
            kind = Some(ShapeKind::Radius(r));
            conversion = c;
            5
        }
        Variant::Search => 2,
        Variant::SearchStore => {
            storekey = Some(argv[1].clone());
            3
        }
    };
    let nostore = matches!(
        v,
        Variant::RadiusCoords { nostore: true } | Variant::RadiusMember { nostore: true }
    );
    let (mut withdist, mut withhash, mut withcoords) = (false, false, false);
    let (mut frommember, mut fromloc, mut byradius, mut bybox) = (false, false, false, false);
    let mut sort = Sort::None;
    let mut any = false;
    let mut count: i64 = 0;
    let remaining = argv.len().saturating_sub(base_args);
    let mut i = 0;
    while i < remaining {
        let at = base_args + i;
        let a = &argv[at];
        if is(a, "withdist") {
            withdist = true;
        } else if is(a, "withhash") {
            withhash = true;
        } else if is(a, "withcoord") {
            withcoords = true;
        } else if is(a, "any") {
            any = true;
        } else if is(a, "asc") {
            sort = Sort::Asc;
        } else if is(a, "desc") {
            sort = Sort::Desc;
        } else if is(a, "count") && i + 1 < remaining {
            count = parse_int(&argv[at + 1])?;
            if count <= 0 {
                return Err(Error::Msg("ERR COUNT must be > 0"));
            }
            i += 1;
        } else if (is(a, "store") || is(a, "storedist")) && i + 1 < remaining && !nostore && !search
        {
            storekey = Some(argv[at + 1].clone());
            storedist = is(a, "storedist");
            i += 1;
        } else if is(a, "storedist") && v == Variant::SearchStore {
            storedist = true;
        } else if is(a, "frommember") && i + 1 < remaining && search && !fromloc {
            if exists {
                xy = member_pos(ctx, &argv[at + 1])?;
            }
            frommember = true;
            i += 1;
        } else if is(a, "fromlonlat") && i + 2 < remaining && search && !frommember {
            xy = parse_lonlat(&argv[at + 1], &argv[at + 2])?;
            fromloc = true;
            i += 2;
        } else if is(a, "byradius") && i + 2 < remaining && search && !bybox {
            let (r, c) = parse_radius(&argv[at + 1], &argv[at + 2])?;
            kind = Some(ShapeKind::Radius(r));
            conversion = c;
            byradius = true;
            i += 2;
        } else if is(a, "bybox") && i + 3 < remaining && search && !byradius {
            let (w, h, c) = parse_box(&argv[at + 1], &argv[at + 2], &argv[at + 3])?;
            kind = Some(ShapeKind::Box {
                width: w,
                height: h,
            });
            conversion = c;
            bybox = true;
            i += 3;
        } else {
            return Err(Error::Syntax);
        }
        i += 1;
    }
    if storekey.is_some() && (withdist || withhash || withcoords) {
        return Err(Error::err(format_args!(
            "{} is not compatible with WITHDIST, WITHHASH and WITHCOORD options",
            if v == Variant::SearchStore {
                "GEOSEARCHSTORE"
            } else {
                "STORE option in GEORADIUS"
            }
        )));
    }
    let name = String::from_utf8_lossy(&argv[0]);
    if search && !(frommember || fromloc) {
        return Err(Error::err(format_args!(
            "exactly one of FROMMEMBER or FROMLONLAT can be specified for {name}"
        )));
    }
    if search && !(byradius || bybox) {
        return Err(Error::err(format_args!(
            "exactly one of BYRADIUS and BYBOX can be specified for {name}"
        )));
    }
    if any && count == 0 {
        return Err(Error::Msg("ERR the ANY argument requires COUNT argument"));
    }
    let points = match (zset_at(ctx.srv, db, &argv[src], false)?, kind) {
        (Some(z), Some(kind)) => {
            let shape = Shape {
                xy,
                kind,
                conversion,
            };
            Some(search_sorted(z, &shape, count, any, sort))
        }
        _ => None,
    };
    let Some(mut points) = points else {
        match storekey {
            Some(dst) => {
                if ctx.db().delete(&dst) {
                    ctx.changed(crate::keyspace::events::class::GENERIC, "del", &dst);
                    ctx.dirty(1);
                }
                ctx.out.int(0);
            }
            None => ctx.out.array(0),
        }
        return Ok(());
    };
    for p in &mut points {
        p.dist /= conversion;
    }
    match storekey {
        None => {
            let options = withdist as usize + withcoords as usize + withhash as usize;
            let out = &mut *ctx.out;
            out.array(points.len());
            for p in &points {
                if options > 0 {
                    out.array(options + 1);
                }
                out.bulk(&p.member);
                if withdist {
                    reply_distance(out, p.dist);
                }
                if withhash {
                    out.int(p.score as i64);
                }
                if withcoords {
                    out.array(2);
                    reply_human(out, p.lon);
                    reply_human(out, p.lat);
                }
            }
        }
        Some(dst) => {
            let mut elems: Vec<(Vec<u8>, f64)> = points
                .into_iter()
                .map(|p| (p.member, if storedist { p.dist } else { p.score }))
                .collect();
            elems.sort_by(|a, b| {
                a.1.partial_cmp(&b.1)
                    .unwrap_or(std::cmp::Ordering::Equal)
                    .then_with(|| a.0.cmp(&b.0))
            });
            let n = elems.len();
            let event = if search {
                "geosearchstore"
            } else {
                "georadiusstore"
            };
            store_result(ctx, &dst, &elems, event);
            // Redis counts one change per stored element.
            if n > 1 {
                ctx.dirty(n as u64 - 1);
            }
            ctx.out.int(n as i64);
        }
    }
    Ok(())
}

/// Runs the search and applies COUNT and the order as Redis does.
fn search_sorted(z: &ZSet, shape: &Shape, count: i64, any: bool, sort: Sort) -> Vec<Point> {
    let limit = if any { count as usize } else { 0 };
    let mut points = search(z, shape, limit);
    let sort = if count != 0 && sort == Sort::None && !any {
        Sort::Asc
    } else {
        sort
    };
    match sort {
        Sort::Asc => points.sort_by(|a, b| {
            a.dist
                .partial_cmp(&b.dist)
                .unwrap_or(std::cmp::Ordering::Equal)
        }),
        Sort::Desc => points.sort_by(|a, b| {
            b.dist
                .partial_cmp(&a.dist)
                .unwrap_or(std::cmp::Ordering::Equal)
        }),
        Sort::None => {}
    }
    if count > 0 && (count as u64) < points.len() as u64 {
        points.truncate(count as usize);
    }
    points
}

/// GEOSEARCH key FROMMEMBER m|FROMLONLAT lon lat BYRADIUS r unit|BYBOX w h unit [ASC|DESC]
/// [COUNT n [ANY]] [WITHCOORD] [WITHDIST] [WITHHASH]
fn cmd_geosearch(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    georadius_generic(ctx, argv, 1, Variant::Search)
}

/// GEOSEARCHSTORE dst src ... [STOREDIST]
fn cmd_geosearchstore(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    georadius_generic(ctx, argv, 2, Variant::SearchStore)
}

/// GEORADIUS key lon lat radius unit [...] [STORE key] [STOREDIST key]
fn cmd_georadius(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    georadius_generic(ctx, argv, 1, Variant::RadiusCoords { nostore: false })
}

/// GEORADIUS_RO key lon lat radius unit [...]
fn cmd_georadius_ro(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    georadius_generic(ctx, argv, 1, Variant::RadiusCoords { nostore: true })
}

/// GEORADIUSBYMEMBER key member radius unit [...] [STORE key] [STOREDIST key]
fn cmd_georadiusbymember(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    georadius_generic(ctx, argv, 1, Variant::RadiusMember { nostore: false })
}

/// GEORADIUSBYMEMBER_RO key member radius unit [...]
fn cmd_georadiusbymember_ro(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    georadius_generic(ctx, argv, 1, Variant::RadiusMember { nostore: true })
}

pub static COMMANDS: &[Command] = &[
    Command::new("geoadd", -5, WRITE | DENYOOM, keys(1, 1, 1), cmd_geoadd),
    Command::new("geopos", -2, READONLY, keys(1, 1, 1), cmd_geopos),
    Command::new("geodist", -4, READONLY, keys(1, 1, 1), cmd_geodist),
    Command::new("geohash", -2, READONLY, keys(1, 1, 1), cmd_geohash),
    Command::new("geosearch", -7, READONLY, keys(1, 1, 1), cmd_geosearch),
    Command::new(
        "geosearchstore",
        -8,
        WRITE | DENYOOM,
        keys(1, 2, 1),
        cmd_geosearchstore,
    ),
    Command::new(
        "georadius",
        -6,
        WRITE | DENYOOM | MOVABLE_KEYS,
        keys(1, 1, 1),
        cmd_georadius,
    ),
    Command::new(
        "georadiusbymember",
        -5,
        WRITE | DENYOOM | MOVABLE_KEYS,
        keys(1, 1, 1),
        cmd_georadiusbymember,
    ),
    Command::new(
        "georadius_ro",
        -6,
        READONLY,
        keys(1, 1, 1),
        cmd_georadius_ro,
    ),
    Command::new(
        "georadiusbymember_ro",
        -5,
        READONLY,
        keys(1, 1, 1),
        cmd_georadiusbymember_ro,
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spread_and_squash_are_inverse() {
        for x in [0u32, 1, 0xdead_beef, u32::MAX, 1 << 25] {
            assert_eq!(squash(spread(x)), x);
        }
    }

    #[test]
    fn palermo_score_as_redis() {
        // GEOADD Sicily 13.361389 38.115556 "Palermo" stores this score in Redis.
        let h = encode_wgs84(13.361389, 38.115556, STEP_MAX).map(align52);
        assert_eq!(h, Some(3479099956230698));
        assert_eq!(human(-0.0), "0");
    }
}
