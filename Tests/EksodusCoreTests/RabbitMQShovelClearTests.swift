import Foundation
import XCTest
@testable import EksodusCore

/// The demo broker's migration shovels cleared as an engineer would run the step: the in-pod script runs under `sh`
/// (dash, no pipefail) against a stand-in `rabbitmqctl` keeping its runtime parameters in a file, and the step fails
/// when the list fails, answers something unparsable, or a shovel is still there afterwards.
final class RabbitMQShovelClearTests: XCTestCase {
    /// `kubectl exec … -- CMD…` runs CMD here; `rabbitmqctl` lists `params.tsv` (component, name, value) and clears from it.
    /// `LIST_FAILS` fails the list from that call on (1: the first), `LIST_OUT` replaces its answer, `CLEAR` = fail or keep.
    static let stubs = [
        "kubectl": #"while [ "$1" != -- ]; do shift; done; shift; exec "$@""#,
        "rabbitmqctl": """
            case "$1" in
              list_parameters)
                n=$(( $(cat calls 2>/dev/null || echo 0) + 1 )); echo "$n" > calls
                [ -n "${LIST_FAILS:-}" ] && [ "$n" -ge "$LIST_FAILS" ] && { echo 'Error: unable to perform an operation on node' >&2; exit 69; }
                if [ -n "${LIST_OUT+set}" ]; then printf '%b' "$LIST_OUT"; else cat params.tsv; fi ;;
              clear_parameter)
                [ "$2 $3 $4" = "-p shop shovel" ] || exit 64
                [ "${CLEAR:-}" = fail ] && exit 70
                echo "$5" >> cleared.log
                [ "${CLEAR:-}" = keep ] || { awk -F '\\t' -v n="$5" '!($1 == "shovel" && $2 == n)' params.tsv > params.new; mv params.new params.tsv; } ;;
              *) exit 64 ;;
            esac
            """,
    ]

    /// Two migration shovels (one named after a queue with a space), a return shovel, an unrelated one and a federation
    /// upstream whose name starts like ours: only the first two go.
    static let parameters = "shovel\teksodus-migrate-orders\t{}\nshovel\teksodus-migrate-mail out\t{}\nshovel\teksodus-return-orders\t{}\n"
        + "shovel\tbilling-feed\t{}\nfederation-upstream\teksodus-migrate-upstream\t{}\n"

    func clearLines() throws -> [String] {
        let reconnect = try XCTUnwrap(try DemoPlanOnce.plan().items.first { $0.keyText == "reconnect:prod/data/rabbitmq" }).commands
        let clear = try XCTUnwrap(reconnect.first { $0.contains("clear_parameter -p") && $0.contains("eksodus-migrate-") }, "\(reconnect)")
        XCTAssertTrue(clear.contains("--context \"$EKS_CONTEXT\""), clear)
        return [clear]
    }

    func run(_ lines: [String], in folder: URL, environment: [String: String] = [:], pipefail: Bool) throws -> Int32 {
        let bin = folder.appendingPathComponent("bin", isDirectory: true)
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        for (name, body) in Self.stubs {
            let url = bin.appendingPathComponent(name)
            try ("#!/bin/bash\n" + body + "\n").write(to: url, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
        }
        if !FileManager.default.fileExists(atPath: folder.appendingPathComponent("params.tsv").path) {
            try Self.parameters.write(to: folder.appendingPathComponent("params.tsv"), atomically: true, encoding: .utf8)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", "set -e\n" + (pipefail ? "set -o pipefail\n" : "") + lines.joined(separator: "\n")]
        process.currentDirectoryURL = folder
        process.environment = RunbookLibraryFile.environment(["PATH": bin.path + ":/usr/bin:/bin", "EKS_CONTEXT": "eks", "SOURCE_CONTEXT": "src"].merging(environment) { $1 })
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    func testTheMigrationShovelsGoOneWholeNameAtATimeAndNoneIsLeft() throws {
        let lines = try clearLines()
        for pipefail in [false, true] {
            let folder = try temporaryFolder(self)
            XCTAssertEqual(try run(lines, in: folder, pipefail: pipefail), 0)
            let cleared = try String(contentsOf: folder.appendingPathComponent("cleared.log"), encoding: .utf8)
            XCTAssertEqual(cleared, "eksodus-migrate-orders\neksodus-migrate-mail out\n")
            let left = try String(contentsOf: folder.appendingPathComponent("params.tsv"), encoding: .utf8)
            XCTAssertEqual(left, "shovel\teksodus-return-orders\t{}\nshovel\tbilling-feed\t{}\nfederation-upstream\teksodus-migrate-upstream\t{}\n")
            // Run again: nothing left to clear is no failure.
            XCTAssertEqual(try run(lines, in: folder, pipefail: pipefail), 0, "a re-run after the shovels went")
        }
    }

    func testTheClearFailsWhenTheListFailsIsUnreadableOrAShovelStays() throws {
        let lines = try clearLines()
        let cases: [(String, [String: String])] = [
            ("the list fails", ["LIST_FAILS": "1"]),
            ("the list fails after the clear", ["LIST_FAILS": "2"]),
            ("the list answers an error text", ["LIST_OUT": "Error: vhost shop does not exist\\n"]),
            ("the list answers names without their component", ["LIST_OUT": "eksodus-migrate-orders\\n"]),
            ("clear_parameter fails", ["CLEAR": "fail"]),
            ("clear_parameter answers 0 but the shovel stays", ["CLEAR": "keep"]),
        ]
        for (why, environment) in cases {
            for pipefail in [false, true] {
                XCTAssertNotEqual(try run(lines + ["touch after"], in: try temporaryFolder(self), environment: environment, pipefail: pipefail), 0, why)
            }
        }
    }
}
