//! Client sweep: throughput and p99 latency against the number of connections, for uredis and a
//! real `redis-server` side by side, printed as one table of ratios and drawn as an SVG plot.
//!
//! For every test (redis-benchmark `-t`) and every client count it runs redis-benchmark against
//! each server in turn (alternating which goes first) and records the requests/s, the p99
//! latency (both from redis-benchmark's `--csv` row) and the server's CPU per request (from
//! /proc). The plot has two panels, requests/s and p99 against clients (log scale), one line per
//! server and test.
//!
//! Run: `cargo bench --bench clients`. Options (environment variables):
//!   UREDIS_CLIENTS=1,10,50,100,200,500     connection counts (-c)
//!   UREDIS_CLIENTS_TESTS=get,set            tests (-t)
//!   UREDIS_CLIENTS_REQUESTS=100000          requests per run (-n; at least 20 per client)
//!   UREDIS_CLIENTS_PIPELINE=1               pipeline depth (-P)
//!   UREDIS_CLIENTS_ROUNDS=1                 repeat every case; medians are shown
//!   UREDIS_CLIENTS_PLOT=target/clients.svg  where the SVG goes (the README's copy is
//!                                           benches/results/clients.svg)
//!   REDIS_SERVER, REDIS_BENCHMARK           reference binaries (default: from PATH)
//!
//! The client runs on the same cores as the server: absolute figures are indicative only;
//! compare the two servers within one run.

use std::process::{Command, Stdio};

use plotters::prelude::*;

mod common;
use common::{Server, env_u64, runs};

/// One redis-benchmark run against one server.
#[derive(Clone, Copy)]
struct Sample {
    rps: f64,
    p99_ms: f64,
    cpu_per_req: f64,
}

/// One plotted quantity of a sample.
type Metric = fn(&Sample) -> f64;

/// The values of redis-benchmark's `--csv` row for `test`: `"SET","12345.67","0.1",...` after
/// the header `"test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms",
/// "p95_latency_ms","p99_latency_ms","max_latency_ms"`.
fn csv_row(stdout: &str, test: &str) -> Option<Vec<f64>> {
    stdout
        .lines()
        .filter(|l| l.starts_with('"') && !l.starts_with("\"test\""))
        .find(|l| {
            l.trim_start_matches('"')
                .to_ascii_lowercase()
                .starts_with(&format!("{test}\""))
        })
        .map(|l| {
            l.split(',')
                .skip(1)
                .map(|v| v.trim_matches('"').parse().unwrap_or(f64::NAN))
                .collect()
        })
}

fn run(
    bench: &str,
    srv: &Server,
    test: &str,
    clients: u64,
    n: u64,
    pipeline: u64,
) -> Result<Sample, String> {
    let before = srv.cpu_us().ok_or("cannot read /proc/PID/stat")?;
    let out = Command::new(bench)
        .args(["-h", "127.0.0.1", "-p", &srv.port.to_string()])
        .args(["-c", &clients.to_string(), "-n", &n.to_string()])
        .args(["-r", "100000", "-P", &pipeline.to_string(), "--csv"])
        .args(["-t", test])
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run {bench}: {e}"))?;
    let after = srv.cpu_us().ok_or("cannot read /proc/PID/stat")?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let row = csv_row(&stdout, test).ok_or_else(|| {
        format!(
            "no `{test}` row from redis-benchmark against {}: {}{}",
            srv.name,
            stdout.trim(),
            String::from_utf8_lossy(&out.stderr).trim()
        )
    })?;
    Ok(Sample {
        rps: row.first().copied().unwrap_or(f64::NAN),
        p99_ms: row.get(5).copied().unwrap_or(f64::NAN),
        cpu_per_req: (after - before) / n as f64,
    })
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

/// Medians per (test, clients, server).
struct Results {
    tests: Vec<String>,
    clients: Vec<u64>,
    /// [test][clients][server]
    med: Vec<Vec<[Sample; 2]>>,
}

const NAMES: [&str; 2] = ["uredis", "redis"];

fn plot(res: &Results, path: &str) -> Result<(), Box<dyn std::error::Error>> {
    let root = SVGBackend::new(path, (1100, 440)).into_drawing_area();
    root.fill(&WHITE)?;
    let (left, right) = root.split_horizontally(550);
    let xs = |c: u64| c as f64;
    let x_range = xs(res.clients[0]) * 0.9..xs(*res.clients.last().unwrap_or(&1)) * 1.1;
    let colors = [RGBColor(214, 39, 40), RGBColor(31, 119, 180)];
    let metric: [(&str, Metric); 2] = [
        ("requests/s", |s| s.rps),
        ("p99 latency (ms)", |s| s.p99_ms),
    ];
    for (area, (label, f)) in [&left, &right].into_iter().zip(metric) {
        let max = res
            .med
            .iter()
            .flatten()
            .flatten()
            .map(f)
            .filter(|v| v.is_finite())
            .fold(0.0, f64::max);
        let mut chart = ChartBuilder::on(area)
            .caption(format!("{label} vs clients"), ("sans-serif", 18))
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(64)
            .build_cartesian_2d(x_range.clone().log_scale(), 0.0..max * 1.1)?;
        let y_fmt = |y: &f64| {
            if max >= 100.0 {
                format!("{y:.0}")
            } else {
                format!("{y:.1}")
            }
        };
        chart
            .configure_mesh()
            .max_light_lines(0)
            .x_labels(12)
            .x_label_formatter(&|x| format!("{x:.0}"))
            .y_label_formatter(&y_fmt)
            .x_desc("clients (redis-benchmark -c, log scale)")
            .y_desc(label)
            .draw()?;
        for (ti, test) in res.tests.iter().enumerate() {
            for (si, name) in NAMES.iter().enumerate() {
                let style = ShapeStyle::from(colors[si]).stroke_width(if ti == 0 { 2 } else { 1 });
                let points: Vec<(f64, f64)> = res
                    .clients
                    .iter()
                    .enumerate()
                    .map(|(ci, &c)| (xs(c), f(&res.med[ti][ci][si])))
                    .filter(|p| p.1.is_finite())
                    .collect();
                chart
                    .draw_series(LineSeries::new(points.clone(), style))?
                    .label(format!("{name} {}", test.to_uppercase()))
                    .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], style));
                // GET-like (first) test: dots; the others: triangles.
                if ti == 0 {
                    chart.draw_series(
                        points
                            .iter()
                            .map(|&p| Circle::new(p, 3, colors[si].filled())),
                    )?;
                } else {
                    chart.draw_series(
                        points
                            .iter()
                            .map(|&p| TriangleMarker::new(p, 4, colors[si].filled())),
                    )?;
                }
            }
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .position(SeriesLabelPosition::LowerRight)
            .draw()?;
    }
    root.present()?;
    Ok(())
}

fn main() {
    let redis_server = std::env::var("REDIS_SERVER").unwrap_or_else(|_| "redis-server".into());
    let bench = std::env::var("REDIS_BENCHMARK").unwrap_or_else(|_| "redis-benchmark".into());
    for bin in [&redis_server, &bench] {
        if !runs(bin) {
            println!("clients: SKIPPED: `{bin}` is not installed or not runnable");
            return;
        }
    }
    let clients: Vec<u64> = std::env::var("UREDIS_CLIENTS")
        .unwrap_or_else(|_| "1,10,50,100,200,500".into())
        .split(',')
        .filter_map(|c| c.trim().parse().ok())
        .filter(|&c| c > 0)
        .collect();
    let tests: Vec<String> = std::env::var("UREDIS_CLIENTS_TESTS")
        .unwrap_or_else(|_| "get,set".into())
        .split(',')
        .map(|t| t.trim().to_ascii_lowercase())
        .filter(|t| !t.is_empty())
        .collect();
    if clients.is_empty() || tests.is_empty() {
        eprintln!("clients: nothing to run (UREDIS_CLIENTS / UREDIS_CLIENTS_TESTS empty)");
        std::process::exit(1);
    }
    let requests = env_u64("UREDIS_CLIENTS_REQUESTS", 100_000).max(1);
    let pipeline = env_u64("UREDIS_CLIENTS_PIPELINE", 1).max(1);
    let rounds = env_u64("UREDIS_CLIENTS_ROUNDS", 1).max(1) as usize;
    let path = std::env::var("UREDIS_CLIENTS_PLOT")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/target/clients.svg").to_string());
    let servers = match (
        Server::start("uredis", env!("CARGO_BIN_EXE_uredis-server")),
        Server::start("redis", &redis_server),
    ) {
        (Ok(u), Ok(r)) => [u, r],
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("clients: cannot start the servers: {e}");
            std::process::exit(1);
        }
    };
    println!(
        "clients: redis-benchmark -t {} -n {requests} (>= 20 per client) -r 100000 -P {pipeline} \
         at -c {:?}; {rounds} round(s)",
        tests.join(","),
        clients
    );
    let mut samples = vec![vec![[Vec::new(), Vec::new()]; clients.len()]; tests.len()];
    for round in 0..rounds {
        for (ti, test) in tests.iter().enumerate() {
            for (ci, &c) in clients.iter().enumerate() {
                let n = requests.max(c * 20);
                let order = if (ti + ci + round) % 2 == 0 {
                    [0, 1]
                } else {
                    [1, 0]
                };
                for si in order {
                    match run(&bench, &servers[si], test, c, n, pipeline) {
                        Ok(s) => {
                            eprintln!(
                                "  round {} {test:<4} c={c:<4} {:<6} {:>10.0} rps p99 {:>6.3} ms \
                                 {:>6.2} µs CPU/req",
                                round + 1,
                                NAMES[si],
                                s.rps,
                                s.p99_ms,
                                s.cpu_per_req
                            );
                            samples[ti][ci][si].push(s);
                        }
                        Err(e) => eprintln!("  {test} c={c} {}: FAILED: {e}", NAMES[si]),
                    }
                }
            }
        }
    }
    let med = samples
        .iter()
        .map(|per_c| {
            per_c
                .iter()
                .map(|per_s| {
                    let m = |si: usize, f: fn(&Sample) -> f64| {
                        median(per_s[si].iter().map(f).collect())
                    };
                    [0, 1].map(|si| Sample {
                        rps: m(si, |s| s.rps),
                        p99_ms: m(si, |s| s.p99_ms),
                        cpu_per_req: m(si, |s| s.cpu_per_req),
                    })
                })
                .collect()
        })
        .collect();
    let res = Results {
        tests,
        clients,
        med,
    };
    println!();
    println!(
        "{:<10} {:>11} {:>11} {:>6} {:>9} {:>9} {:>6} {:>9} {:>9} {:>6}",
        "case",
        "uredis rps",
        "redis rps",
        "ratio",
        "u p99 ms",
        "r p99 ms",
        "ratio",
        "u µs/req",
        "r µs/req",
        "ratio"
    );
    println!("{}", "-".repeat(98));
    for (ti, test) in res.tests.iter().enumerate() {
        for (ci, c) in res.clients.iter().enumerate() {
            let [u, r] = res.med[ti][ci];
            println!(
                "{:<10} {:>11.0} {:>11.0} {:>6.2} {:>9.3} {:>9.3} {:>6.2} {:>9.2} {:>9.2} {:>6.2}",
                format!("{test} c{c}"),
                u.rps,
                r.rps,
                u.rps / r.rps,
                u.p99_ms,
                r.p99_ms,
                u.p99_ms / r.p99_ms,
                u.cpu_per_req,
                r.cpu_per_req,
                u.cpu_per_req / r.cpu_per_req
            );
        }
    }
    match plot(&res, &path) {
        Ok(()) => println!("\nplot: {path}"),
        Err(e) => eprintln!("\nclients: cannot draw {path}: {e}"),
    }
    println!(
        "ratios are uredis/redis: higher is better for rps, lower for p99 and CPU per request \
         (server utime+stime during the run, clock-tick resolution)."
    );
}
