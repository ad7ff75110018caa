import Foundation
import XCTest
@testable import EksodusCore

/// The demo's PostgreSQL freeze against a real PostgreSQL server (started on a socket in a temporary folder, skipped where
/// none is installed) whose `postgres` role may reload the configuration but not run ALTER SYSTEM, as where
/// `allow_alter_system` is off (PostgreSQL 17) or the role is no superuser: psql without ON_ERROR_STOP runs on to
/// `SELECT pg_reload_conf()` and exits 0, so the freeze passed with the source still taking writes.
final class PostgresStopOnErrorTests: XCTestCase {
    func binary(_ name: String) -> String? {
        let folders = ["/usr/local/bin", "/usr/bin"] + ((try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? [])
            .sorted().reversed().map { "/usr/lib/postgresql/\($0)/bin" }
        return folders.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs `script` in bash, as the server's owner (`nobody` when the tests run as root: initdb refuses root); its exit
    /// status. The server it starts inherits no descriptor beyond 0–2: Foundation learns that a process ended when a socket
    /// it handed it closes, and a server holding its copy kept the test waiting for ever.
    func shell(_ script: String) throws -> Int32 {
        let closed = "for fd in /proc/$$/fd/*; do n=${fd##*/}; [ \"$n\" -gt 2 ] && eval \"exec $n>&-\" 2>/dev/null; done; " + script
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", getuid() == 0 ? "su nobody -s /bin/bash -c " + ShellQuote.word(closed) : closed]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    func testAFreezeWhoseAlterSystemIsRefusedFails() throws {
        guard let initdb = binary("initdb"), let pgCtl = binary("pg_ctl"), binary("psql") != nil else {
            throw XCTSkip("PostgreSQL is not installed")
        }
        let folder = try temporaryFolder(self)
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: folder.path)
        let data = folder.appendingPathComponent("data").path, socket = folder.path
        let log = folder.appendingPathComponent("log").path
        let started = try shell("\(initdb) -D \(ShellQuote.word(data)) -U admin --auth=trust && \(pgCtl) -D \(ShellQuote.word(data)) -w -t 30 -l \(ShellQuote.word(log)) -o \(ShellQuote.word("-k \(socket) -c listen_addresses=")) start")
        guard started == 0 else { throw XCTSkip("no PostgreSQL server could be started here: \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")") }
        defer { _ = try? shell("\(pgCtl) -D \(ShellQuote.word(data)) -m immediate stop") }
        let roles = try GateShell.run("psql -h \(ShellQuote.word(socket)) -U admin -d postgres -c 'CREATE ROLE postgres LOGIN' -c 'GRANT EXECUTE ON FUNCTION pg_reload_conf() TO postgres' 2>&1")
        XCTAssertEqual(roles.status, 0, roles.output)

        let freeze = try XCTUnwrap(try DemoPlanOnce.plan().items.first { $0.keyText == "freeze:prod/data/orders-db" }).commands
        let alter = try XCTUnwrap(freeze.first { $0.contains("ALTER SYSTEM SET default_transaction_read_only") })
        XCTAssertTrue(alter.contains("ON_ERROR_STOP=1"), alter)
        // kubectl exec, as the pod runs it: the command after `--`, here, against the test's server.
        let stub = "kubectl() { while [ \"$1\" != -- ]; do shift; done; shift; PGHOST=\(ShellQuote.word(socket)) \"$@\"; }\nset -e\n"
        let refused = try GateShell.run(stub + alter + " 2>&1")
        XCTAssertNotEqual(refused.status, 0, refused.output)
        XCTAssertTrue(refused.output.contains("ALTER SYSTEM") || refused.output.contains("superuser") || refused.output.contains("permission"), refused.output)
        // The same line without ON_ERROR_STOP, as the runbook had it, passed.
        let before = try GateShell.run(stub + alter.replacingOccurrences(of: "-v ON_ERROR_STOP=1 ", with: "") + " 2>&1")
        XCTAssertEqual(before.status, 0, "psql exits with the last statement's status: \(before.output)")
    }
}
