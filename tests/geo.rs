//! GEO commands end to end: thousands of pseudo-random points and searches replayed against
//! redis-server byte for byte (scores, positions, distances, hashes, the order of unsorted
//! results, which follows the geohash cells Redis scans), near the poles, across the
//! antimeridian and with radii from 0 to a hemisphere.

mod common;

use common::compat_with;

struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    /// A value in `lo..hi` with 6 decimals.
    fn coord(&mut self, lo: f64, hi: f64) -> String {
        let f = (self.next() % 1_000_000) as f64 / 1_000_000.0;
        format!("{:.6}", lo + (hi - lo) * f)
    }

    fn pick<'a>(&mut self, v: &[&'a str]) -> &'a str {
        v[(self.next() % v.len() as u64) as usize]
    }
}

fn run(extra: &[&str], script: &[Vec<String>]) {
    let refs: Vec<Vec<&str>> = script
        .iter()
        .map(|c| c.iter().map(|s| s.as_str()).collect())
        .collect();
    let s: Vec<&[&str]> = refs.iter().map(|c| c.as_slice()).collect();
    compat_with(extra, &s);
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// Points in a region, then searches around random centers in it.
fn region_script(seed: u64, lon: (f64, f64), lat: (f64, f64), radii: &[&str]) -> Vec<Vec<String>> {
    let mut r = Lcg(seed);
    let mut script = Vec::new();
    for chunk in 0..10 {
        let mut add = strings(&["GEOADD", "pts"]);
        for i in 0..50 {
            add.push(r.coord(lon.0, lon.1));
            add.push(r.coord(lat.0, lat.1));
            add.push(format!("p{}", chunk * 50 + i));
        }
        script.push(add);
    }
    script.push(strings(&["ZRANGE", "pts", "0", "20", "WITHSCORES"]));
    script.push(strings(&[
        "GEOPOS", "pts", "p1", "p2", "p3", "p499", "nosuch",
    ]));
    script.push(strings(&["GEOHASH", "pts", "p1", "p2", "p3", "p499"]));
    script.push(strings(&["GEODIST", "pts", "p1", "p2", "km"]));
    for _ in 0..60 {
        let (clon, clat) = (r.coord(lon.0, lon.1), r.coord(lat.0, lat.1));
        let unit = r.pick(&["m", "km", "mi", "ft"]);
        let radius = r.pick(radii);
        let order = r.pick(&["", "ASC", "DESC"]);
        let mut c = strings(&["GEOSEARCH", "pts"]);
        if r.next().is_multiple_of(3) {
            c.extend(strings(&["FROMMEMBER", &format!("p{}", r.next() % 500)]));
        } else {
            c.extend(["FROMLONLAT".to_string(), clon.clone(), clat.clone()]);
        }
        if r.next().is_multiple_of(2) {
            c.extend(strings(&["BYRADIUS", radius, unit]));
        } else {
            let h = r.pick(radii);
            c.extend(strings(&["BYBOX", radius, h, unit]));
        }
        if !order.is_empty() {
            c.push(order.to_string());
        }
        if r.next().is_multiple_of(4) {
            c.extend(strings(&["COUNT", &(1 + r.next() % 5).to_string()]));
        }
        c.extend(strings(&["WITHDIST", "WITHCOORD", "WITHHASH"]));
        script.push(c);
        script.push(strings(&[
            "GEORADIUS",
            "pts",
            &clon,
            &clat,
            radius,
            unit,
            "WITHDIST",
            "ASC",
        ]));
        script.push(strings(&[
            "GEOSEARCHSTORE",
            "dst",
            "pts",
            "FROMLONLAT",
            &clon,
            &clat,
            "BYRADIUS",
            radius,
            unit,
            "STOREDIST",
        ]));
        script.push(strings(&["ZRANGE", "dst", "0", "-1", "WITHSCORES"]));
    }
    script
}

#[test]
fn random_searches_match_redis_mid_latitudes() {
    run(
        &[],
        &region_script(
            11,
            (5.0, 20.0),
            (35.0, 48.0),
            &["0", "1", "50", "120", "400", "1500"],
        ),
    );
}

#[test]
fn random_searches_match_redis_near_poles_and_antimeridian() {
    run(
        &[],
        &region_script(
            12,
            (170.0, 180.0),
            (70.0, 85.05),
            &["10", "100", "300", "900"],
        ),
    );
    run(
        &[],
        &region_script(
            13,
            (-180.0, -170.0),
            (-85.05, -65.0),
            &["10", "100", "300", "900"],
        ),
    );
}

#[test]
fn worldwide_points_and_huge_radii_match_redis() {
    run(
        &[],
        &region_script(
            14,
            (-180.0, 180.0),
            (-85.0, 85.0),
            &["1000", "5000", "10000", "20000", "40000"],
        ),
    );
}

#[test]
fn skiplist_encoded_geosets_match_redis() {
    run(
        &["--zset-max-listpack-entries", "16"],
        &region_script(15, (-3.0, 3.0), (-2.0, 2.0), &["5", "50", "200"]),
    );
}
