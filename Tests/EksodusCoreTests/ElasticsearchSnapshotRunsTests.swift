import Foundation
import XCTest
@testable import EksodusCore

/// The demo's search index (Elasticsearch 7.17): its final and rollback snapshots are named when the writes stop and
/// kept in a file, so the promotion re-runs: a snapshot of that name already `SUCCESS` is kept, one that failed or is
/// partial is deleted and taken again, one still running is waited for; the restore reads the same name and waits for
/// `SUCCESS`. Every line runs in bash, in a folder of its own, against a stand-in `kubectl` that answers the state GET
/// with `$STATE_OUT`, records every call in `$RAN` and fails when `$FAIL` is set (or `$FAIL_DELETE` for a delete).
final class ElasticsearchSnapshotRunsTests: XCTestCase {
    private let stub = """
        kubectl() {
          printf '%s\\n' "$*" >> "$RAN"
          [ -z "${FAIL:-}" ] || return 1
          case "$*" in
            *"-XDELETE"*) [ -z "${FAIL_DELETE:-}" ] || return 22 ;;
            *"-XPUT"*|*"-XPOST"*) printf '%s' '{"snapshot":{"state":"SUCCESS"}}' ;;
            *) printf '%b' "${STATE_OUT:-}" ;;
          esac
        }

        """

    private func item(_ key: String) throws -> PlanItem {
        try XCTUnwrap(try DemoPlanOnce.plan().items.first { $0.keyText == key }, key)
    }

    private func index(_ commands: [String], _ match: (String) -> Bool) throws -> Int {
        try XCTUnwrap(commands.firstIndex(where: match), "\(commands)")
    }

    /// The quoted file a `> 'file'` line writes.
    private func written(_ line: String) throws -> String {
        let start = try XCTUnwrap(line.range(of: "> '"), line).upperBound
        return String(line[start..<(try XCTUnwrap(line[start...].firstIndex(of: "'")))])
    }

    /// Runs `line` in `folder`; the status and the kubectl calls it made.
    private func run(_ line: String, in folder: URL, _ environment: [String: String] = [:]) throws -> (status: Int32, calls: [String]) {
        let ran = folder.appendingPathComponent("ran").path
        try? FileManager.default.removeItem(atPath: ran)
        FileManager.default.createFile(atPath: ran, contents: nil)
        let status = try GateShell.run("cd " + ShellQuote.word(folder.path) + "\n" + stub + line, environment: ["RAN": ran].merging(environment) { _, new in new }).status
        return (status, (try String(contentsOfFile: ran, encoding: .utf8)).split(separator: "\n").map(String.init))
    }

    private static let success = #"{"snapshots":[{"snapshot":"s","state":"SUCCESS","shards":{"failed":0}}]}"#
    private static let missing = #"{"error":{"root_cause":[{"type":"snapshot_missing_exception"}]},"status":404}"#

    func testTheFinalSnapshotIsNamedAtTheFreezeAndTakingItReRuns() throws {
        let folder = try temporaryFolder(self)
        let freeze = try item("freeze:prod/data/search-index")
        let naming = try XCTUnwrap(freeze.commands.first { $0.hasPrefix("printf 'final-%s\\n'") }, "\(freeze.commands)")
        let file = try written(naming)
        XCTAssertTrue(file.hasSuffix(".final-snapshot"), file)
        XCTAssertEqual(try run(naming, in: folder).status, 0)
        let name = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8).trimmingCharacters(in: .newlines)
        XCTAssertNotNil(name.range(of: #"^final-[0-9]{8}-[0-9]{6}$"#, options: .regularExpression), name)
        let removal = try XCTUnwrap(freeze.rollbackCommands.first { $0.hasPrefix("rm -f ") && $0.contains(file) }, "lifting the freeze forgets the name: \(freeze.rollbackCommands)")

        let promote = try item("promote:prod/data/search-index").commands
        let take = try index(promote) { $0.contains(file) && $0.contains("-XPUT") && $0.contains("$SNAPSHOT_STATE") }
        let succeeded = try index(promote) { $0.contains(file) && $0.contains("grep -q '\"state\":\"SUCCESS\"'") }
        let close = try index(promote) { $0.contains("/_close") }
        let restore = try index(promote) { $0.contains(file) && $0.contains("$SNAPSHOT/_restore") }
        XCTAssertTrue(take < succeeded && succeeded < close && close < restore, "\(promote)")
        XCTAssertTrue(promote[take].contains("\"$SOURCE_CONTEXT\"") && promote[succeeded].contains("\"$EKS_CONTEXT\"") && promote[restore].contains("\"$EKS_CONTEXT\""))

        // Taking it: each state the repository may answer.
        let line = promote[take]
        func puts(_ calls: [String]) -> [String] { calls.filter { $0.contains("-XPUT") } }
        func deletes(_ calls: [String]) -> [String] { calls.filter { $0.contains("-XDELETE") } }
        let fresh = try run(line, in: folder, ["STATE_OUT": Self.missing])
        XCTAssertEqual(fresh.status, 0)
        XCTAssertEqual(puts(fresh.calls).count, 1, "\(fresh.calls)")
        XCTAssertTrue(puts(fresh.calls)[0].contains("localhost:9200/_snapshot/eksodus/\(name)?wait_for_completion=true"), "the name from the file: \(fresh.calls)")
        XCTAssertEqual(deletes(fresh.calls), [])
        let kept = try run(line, in: folder, ["STATE_OUT": Self.success])
        XCTAssertEqual(kept.status, 0, "a re-run after it succeeded")
        XCTAssertEqual(puts(kept.calls) + deletes(kept.calls), [], "a SUCCESS snapshot is kept: \(kept.calls)")
        for state in ["FAILED", "PARTIAL", "INCOMPATIBLE"] {
            let retaken = try run(line, in: folder, ["STATE_OUT": #"{"snapshots":[{"snapshot":"s","state":"\#(state)"}]}"#])
            XCTAssertEqual(retaken.status, 0, state)
            let order = retaken.calls.filter { $0.contains("-XDELETE") || $0.contains("-XPUT") }
            XCTAssertEqual(order.count, 2, "\(state): \(retaken.calls)")
            XCTAssertTrue(order.first?.contains("-XDELETE localhost:9200/_snapshot/eksodus/\(name)") == true && order.last?.contains("-XPUT") == true, "\(state): deleted, then taken again: \(order)")
            let stuck = try run(line, in: folder, ["STATE_OUT": #"{"snapshots":[{"state":"\#(state)"}]}"#, "FAIL_DELETE": "1"])
            XCTAssertNotEqual(stuck.status, 0, "the delete failed")
            XCTAssertEqual(puts(stuck.calls), [], "no retake over a snapshot that could not be deleted")
        }
        let running = try run(line, in: folder, ["STATE_OUT": #"{"snapshots":[{"state":"IN_PROGRESS"}]}"#])
        XCTAssertNotEqual(running.status, 0, "still being taken: wait")
        XCTAssertEqual(puts(running.calls) + deletes(running.calls), [])
        for answer in ["", "<html>502 Bad Gateway</html>", #"{"error":{"root_cause":[{"type":"repository_missing_exception"}]},"status":404}"#] {
            let unread = try run(line, in: folder, ["STATE_OUT": answer])
            XCTAssertNotEqual(unread.status, 0, "no state: \(answer)")
            XCTAssertEqual(puts(unread.calls) + deletes(unread.calls), [], answer)
        }
        XCTAssertNotEqual(try run(line, in: folder, ["STATE_OUT": Self.missing, "FAIL": "1"]).status, 0, "kubectl failed")

        // The restore waits for SUCCESS and restores the same name.
        let gate = promote[succeeded]
        XCTAssertEqual(try run(gate, in: folder, ["STATE_OUT": Self.success]).status, 0)
        for state in ["PARTIAL", "FAILED", "IN_PROGRESS", "INCOMPATIBLE"] {
            XCTAssertNotEqual(try run(gate, in: folder, ["STATE_OUT": #"{"snapshots":[{"state":"\#(state)"}]}"#]).status, 0, state)
        }
        XCTAssertNotEqual(try run(gate, in: folder, ["STATE_OUT": ""]).status, 0, "no answer")
        XCTAssertNotEqual(try run(gate, in: folder, ["STATE_OUT": Self.success, "FAIL": "1"]).status, 0, "kubectl failed")
        let restored = try run(promote[restore], in: folder)
        XCTAssertEqual(restored.status, 0)
        XCTAssertTrue(restored.calls.contains { $0.contains("-XPOST localhost:9200/_snapshot/eksodus/\(name)/_restore?wait_for_completion=true") }, "\(restored.calls)")

        // Without the freeze's name (or with one eksodus did not write) nothing is taken nor restored.
        try "final-1; rm -rf /\n".write(to: folder.appendingPathComponent(file), atomically: true, encoding: .utf8)
        for (what, text) in [("take", line), ("gate", gate), ("restore", promote[restore])] {
            let refused = try run(text, in: folder, ["STATE_OUT": Self.success])
            XCTAssertNotEqual(refused.status, 0, "\(what): a name eksodus did not write")
            XCTAssertEqual(refused.calls, [], what)
        }
        XCTAssertEqual(try run(removal, in: folder).status, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent(file).path))
        for (what, text) in [("take", line), ("gate", gate), ("restore", promote[restore])] {
            let refused = try run(text, in: folder, ["STATE_OUT": Self.success])
            XCTAssertNotEqual(refused.status, 0, "\(what): no name, no freeze")
            XCTAssertEqual(refused.calls, [], what)
        }
    }

    func testTheRollbackSnapshotIsNamedAtEKSsWriteBlockAndRestoredByThatName() throws {
        let folder = try temporaryFolder(self)
        let back = try item("promote:prod/data/search-index").rollbackCommands
        let naming = try index(back) { $0.hasPrefix("printf 'rollback-%s\\n'") }
        let file = try written(back[naming])
        let block = try index(back) { $0.contains("\"$EKS_CONTEXT\"") && $0.contains(#"{"index.blocks.write": true}"#) }
        let take = try index(back) { $0.contains(file) && $0.contains("-XPUT") && $0.contains("$SNAPSHOT_STATE") }
        let succeeded = try index(back) { $0.contains(file) && $0.contains("'\"state\":\"SUCCESS\"'") && !$0.contains("-XPUT") }
        let restore = try index(back) { $0.contains(file) && $0.contains("$SNAPSHOT/_restore") }
        XCTAssertTrue(block < naming && naming < take && take < succeeded && succeeded < restore, "\(back)")
        XCTAssertTrue(back[take].contains("\"$EKS_CONTEXT\"") && back[restore].contains("\"$SOURCE_CONTEXT\""), "EKS writes it, the source restores it")

        XCTAssertEqual(try run(back[naming], in: folder).status, 0)
        let name = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8).trimmingCharacters(in: .newlines)
        XCTAssertTrue(name.hasPrefix("rollback-"), name)
        let taken = try run(back[take], in: folder, ["STATE_OUT": Self.missing])
        XCTAssertEqual(taken.status, 0)
        XCTAssertTrue(taken.calls.contains { $0.contains("--context eks") && $0.contains("-XPUT localhost:9200/_snapshot/eksodus/\(name)?wait_for_completion=true") }, "\(taken.calls)")
        XCTAssertEqual(try run(back[take], in: folder, ["STATE_OUT": Self.success]).calls.filter { $0.contains("-XPUT") }, [], "a re-run keeps it")
        XCTAssertNotEqual(try run(back[succeeded], in: folder, ["STATE_OUT": #"{"snapshots":[{"state":"PARTIAL"}]}"#]).status, 0)
        let restored = try run(back[restore], in: folder)
        XCTAssertTrue(restored.status == 0 && restored.calls.contains { $0.contains("--context src") && $0.contains("_snapshot/eksodus/\(name)/_restore") }, "\(restored.calls)")
    }

    func testTheInitialSnapshotIsKeptWhenTheDataStepReRuns() throws {
        let folder = try temporaryFolder(self)
        let data = try item("data:prod/data/search-index").commands
        let take = try XCTUnwrap(data.first { $0.contains("SNAPSHOT=initial") && $0.contains("-XPUT") }, "\(data)")
        let kept = try run(take, in: folder, ["STATE_OUT": Self.success])
        XCTAssertEqual(kept.status, 0)
        XCTAssertEqual(kept.calls.filter { $0.contains("-XPUT") || $0.contains("-XDELETE") }, [])
        let fresh = try run(take, in: folder, ["STATE_OUT": Self.missing])
        XCTAssertTrue(fresh.status == 0 && fresh.calls.contains { $0.contains("-XPUT localhost:9200/_snapshot/eksodus/initial?wait_for_completion=true") }, "\(fresh.calls)")
    }
}
