//! The `responsa` binary: parses arguments and calls the library.

use std::process::ExitCode;

use clap::Parser;

mod cli;

/// Polars and the aggregation allocate and free large buffers many times over; the
/// system allocator returns them to the kernel, which zeroes fresh pages on every reuse
/// (a fifth of a national run's time). mimalloc keeps them.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc gives memory back to the kernel one second after it was freed ("purging"), and
/// the kernel zeroes each page of it again at its next use. A national run frees and
/// reuses gigabytes (each Parquet piece decoded, each table built) a little further
/// apart than that: two seconds keep them for their reuse. Measured on the national
/// quarter, interleaved, 5 runs, 2 cores, against the default (one second):
/// - Parquet: page faults 481 k → 323 k, system time 2.06 → 1.46 s, wall 5.37 → 4.76 s,
///   peak memory 1,057 → 1,091 MB;
/// - CSV (3 runs): wall 7.92 → 7.67 s, peak memory 616 → 647 MB.
///
/// Never giving memory back was as fast, but held what the register's reading freed
/// through the whole run (CSV: 813 MB).
fn keep_freed_memory() {
    // `mi_option_purge_delay` in mimalloc.h (version 2, the one built), in ms.
    const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    // SAFETY: sets one of the allocator's options, which it reads when it next frees.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, 2000) };
}

/// At the process's end mimalloc hands every piece of memory it keeps back to the kernel,
/// one call each, though the kernel takes the whole process's memory back right after:
/// after a levy quarter from the store, some 470 calls in the last 20 to 60 ms of a run
/// of half a second (strace). `mi_option_destroy_on_exit` above 1 skips that walk
/// (`_mi_auto_process_done` in mimalloc's init.c); nothing is written at exit but what
/// Rust flushes before it.
fn no_collect_at_exit() {
    // `mi_option_destroy_on_exit` in mimalloc.h (version 2, the one built).
    const DESTROY_ON_EXIT: libmimalloc_sys::mi_option_t = 22;
    // SAFETY: sets one of the allocator's options, read once when the process ends.
    unsafe { libmimalloc_sys::mi_option_set(DESTROY_ON_EXIT, 2) };
}

/// Transparent huge pages cost a run from extracts more than they give: every first touch
/// of a 2 MB page zeroes it whole, and reading CSV or Parquet frees and touches again a
/// lot of memory. Measured on the national data (CSV, then Parquet, three runs each):
/// kernel time from 1.3–2.2 s to 0.75–0.95 s, wall time 5–20 % lower without them; again
/// (six runs each, interleaved) CSV 4.64 s without, 5.1 s with, Parquet 3.06 s and 3.33 s.
/// A run from the store touches its memory once, in large tables (the aggregates by
/// employer and quarter, the assessed employers): there huge pages save the kernel most of
/// its page faults — the levy quarter 2025Q4, seven runs each, interleaved: 0.51–0.55 s
/// without, 0.37–0.45 s with. They are left on for the commands that read a store.
#[cfg(target_os = "linux")]
fn no_transparent_huge_pages() {
    // SAFETY: prctl(PR_SET_THP_DISABLE) only sets a flag of this process; it reads no
    // memory of ours, and its failure (an old kernel) leaves the default, which is fine.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// What the library calls when a stage's freed memory should go back at once
/// ([`responsa::memory`]): mimalloc's collection of the calling thread's heap, forced.
fn collect_freed_memory() {
    // SAFETY: mi_collect only walks and purges the calling thread's own heap.
    unsafe { libmimalloc_sys::mi_collect(true) };
}

fn main() -> ExitCode {
    keep_freed_memory();
    no_collect_at_exit();
    responsa::memory::on_release(collect_freed_memory);
    // A bug must still end in one clear line, not a backtrace (§6); exit code 1.
    std::panic::set_hook(Box::new(|info| {
        // A reader's panic on a damaged file is caught and reported as an error naming it.
        if responsa::error::panics_are_caught() {
            return;
        }
        let msg = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let at = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        eprintln!("responsa: internal error{at}: {msg} (please report it with the command line)");
    }));
    let cli = match cli::Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(e.exit_code() as u8);
        }
    };
    #[cfg(target_os = "linux")]
    if !cli.reads_a_store() {
        no_transparent_huge_pages();
    }
    // A panic anywhere (a bug) has printed its one line through the hook above; it ends
    // the run with exit code 1, never the 101 of an unwinding main.
    let done = std::panic::catch_unwind(|| cli::run(cli));
    let Ok(done) = done else { return ExitCode::from(1) };
    match done {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            match &e {
                responsa::Error::Other(inner) => eprintln!("responsa: {inner:#}"),
                other => eprintln!("responsa: {other}"),
            }
            ExitCode::from(e.exit_code())
        }
    }
}
