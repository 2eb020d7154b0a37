// Preloaded into dynalite (node --require). The test JVM holds the write end of this process's stdin, so stdin
// ends when that JVM exits for any reason, even SIGKILL: dynalite must never outlive the test run.
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
