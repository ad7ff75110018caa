import XCTest
@testable import EksodusCore

/// The scale-down of a source copy waits out a soak after the switch (clients pinning the old address keep calling it),
/// and saves the live replica count for its rollback: once, never a 0.
final class SourceScaleDownTests: XCTestCase {
    /// A stand-in source cluster: the live replicas in `$REPLICAS` (`$LIVE` before any scale), every call logged to `$LOG`;
    /// `$SOURCE_DOWN` makes each call fail. HPAs: none.
    static let cluster = """
        kubectl() {
          printf '%s\\n' "$*" >> "$LOG"
          [ -z "${SOURCE_DOWN:-}" ] || return 1
          case "$*" in
            *"--context src"*" get "*"jsonpath={.spec.replicas}") if [ -f "$REPLICAS" ]; then cat "$REPLICAS"; else printf '%s\\n' "${LIVE-5}"; fi ;;
            *"--context src"*" scale "*" --replicas="*) last="${*: -1}"; printf '%s\\n' "${last#--replicas=}" > "$REPLICAS" ;;
            *"--context src"*" get hpa -o json") printf '{"items":[]}' ;;
            *) return 1 ;;
          esac
        }
        """

    struct Run { let status: Int32; let output: String; let log: [String]; let replicas: String? }

    func run(_ lines: [String], in folder: URL, environment: [String: String] = [:]) throws -> Run {
        let log = folder.appendingPathComponent("log"), replicas = folder.appendingPathComponent("replicas")
        try? FileManager.default.removeItem(at: log)
        let result = try GateShell.run("exec 2>&1\nset -e\ncd \(ShellQuote.word(folder.path))\n" + Self.cluster + "\n" + lines.joined(separator: "\n"),
                                       environment: environment.merging(["LOG": log.path, "REPLICAS": replicas.path]) { $1 })
        let calls = ((try? String(contentsOf: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        return Run(status: result.status, output: result.output, log: calls,
                   replicas: (try? String(contentsOf: replicas, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// The demo's plain scale-down (no HPA, no data copy): `shop/storefront` has an HPA, so another one.
    func plainScaledowns() throws -> [PlanItem] {
        let plain = try DemoPlanOnce.plan().items.filter { item in
            // An HPA to save and delete is named in the `eksodus_scale_down_ready` call, by its file.
            item.step == .scaledown && !item.commands.contains { $0.hasPrefix("eksodus_scale_down_ready ") && $0.contains(".source.json'") }
                && item.commands.filter { !$0.hasPrefix("#") && $0.contains("--context") }.allSatisfy { line in
                line.contains("kubectl ") && (line.contains("jsonpath='{.spec.replicas}'") || line.contains("get hpa -o json") || line.contains(" scale "))
            }
        }
        XCTAssertFalse(plain.isEmpty)
        return plain
    }

    func soakFile(_ item: PlanItem) throws -> String {
        let file = try XCTUnwrap(SoakCall.arguments(item)?.first, item.keyText)
        XCTAssertTrue(file.hasSuffix(".soak-started-at"), file)
        return file
    }

    func started(_ folder: URL, _ name: String, secondsAgo: Int) throws {
        try Data("\(Int(Date().timeIntervalSince1970) - secondsAgo)\n".utf8).write(to: folder.appendingPathComponent(name))
    }

    func testEveryScaleDownWaitsOutItsSoakBeforeScaling() throws {
        for item in try DemoPlanOnce.plan().items where item.step == .scaledown {
            let soak = try soakFile(item)
            let scale = try XCTUnwrap(item.commands.firstIndex { $0.contains(" scale ") && $0.contains("--replicas=0") }, item.keyText)
            let gate = try XCTUnwrap(item.commands.firstIndex { $0.hasPrefix("eksodus_soak ") }, item.keyText)
            XCTAssertLessThan(gate, scale, item.keyText)
            XCTAssertLessThan(gate, try XCTUnwrap(item.commands.firstIndex { $0.contains(".source-replicas") }), "\(item.keyText): nothing saved or deleted before the soak")
            XCTAssertFalse(soak.contains("/"), soak)
        }
        for item in try plainScaledowns() {
            let key = item.keyText, soak = try soakFile(item)
            // First run: the soak starts, nothing is scaled; an immediate re-run keeps the start and still refuses.
            let folder = try temporaryFolder(self)
            let first = try run(item.commands, in: folder)
            XCTAssertNotEqual(first.status, 0, "\(key): \(first.output)")
            XCTAssertNil(first.replicas, "\(key): scaled before the soak")
            XCTAssertTrue(first.output.contains("s left"), first.output)
            let noted = try String(contentsOf: folder.appendingPathComponent(soak), encoding: .utf8)
            let again = try run(item.commands, in: folder)
            XCTAssertNotEqual(again.status, 0, key)
            XCTAssertEqual(try String(contentsOf: folder.appendingPathComponent(soak), encoding: .utf8), noted, "\(key): a re-run restarted the soak")

            // 16 minutes later the default 15 are over.
            try started(folder, soak, secondsAgo: 960)
            let done = try run(item.commands, in: folder)
            XCTAssertEqual(done.status, 0, "\(key): \(done.output)")
            XCTAssertEqual(done.replicas, "0", key)

            let refusals: [(String, Int, [String: String])] = [
                ("SOAK_SECONDS is no number", 3600, ["SOAK_SECONDS": "15m"]),
                ("SOAK_SECONDS is negative", 3600, ["SOAK_SECONDS": "-1"]),
                ("a longer SOAK_SECONDS is not over", 960, ["SOAK_SECONDS": "1800"]),
                ("under 5 minutes is no soak", 200, ["SOAK_SECONDS": "10"]),
            ]
            for (why, ago, environment) in refusals {
                let other = try temporaryFolder(self)
                try started(other, soak, secondsAgo: ago)
                let result = try run(item.commands, in: other, environment: environment)
                XCTAssertNotEqual(result.status, 0, "\(key): \(why)")
                XCTAssertNil(result.replicas, "\(key): \(why): scaled anyway")
            }
            let empty = try temporaryFolder(self)
            try Data("garbage\n".utf8).write(to: empty.appendingPathComponent(soak))
            XCTAssertNotEqual(try run(item.commands, in: empty).status, 0, "\(key): a soak file with no time")
        }
    }

    /// The manual log check a scale-down behind an Ingress names: `eksodus_nginx_seen` prints the source controller's log
    /// lines of the soak that name the upstream, says so when none does, and fails when the log is not read.
    func testTheIngressNginxCheckPrintsOnlyTheUpstreamsLinesAndFailsWithoutTheLog() throws {
        let item = try XCTUnwrap(try DemoPlanOnce.plan().items.first { $0.keyText == "scaledown:prod/shop/storefront" })
        let check = try XCTUnwrap(item.commands.first { $0.hasPrefix("# manual check, where ingress-nginx routes it on the source: eksodus_nginx_seen ") }, "\(item.commands)")
        let call = String(check[try XCTUnwrap(check.range(of: "eksodus_nginx_seen")).lowerBound...])
        XCTAssertEqual(call, "eksodus_nginx_seen 'shop-storefront'")
        let logs = #"""
            kubectl() {
              [ "$*" = "--context src -n ${WANT_NS:-ingress-nginx} logs deploy/${WANT_DEPLOY:-ingress-nginx-controller} --since=${WANT_SINCE:-900}s --all-containers" ] || return 1
              printf '%s\n' '10.0.0.1 - - "GET / HTTP/1.1" 200 [shop-storefront-80] 10.1.2.3:8080' '10.0.0.2 - - "GET / HTTP/1.1" 200 [shop-storefront-admin-80] x' '10.0.0.3 - - "GET / HTTP/1.1" 200 [shop-cart-80] y'
            }

            """# + RunbookLibrary.load + "\n"
        let seen = try GateShell.run("set -e\n" + logs + call)
        XCTAssertEqual(seen.status, 0)
        // `shop-storefront-` also matches a Service named storefront-admin: the operator reads the lines.
        XCTAssertEqual(seen.output.split(separator: "\n").count, 2, seen.output)
        XCTAssertFalse(seen.output.contains("shop-cart"), seen.output)
        let none = try GateShell.run("set -e\n" + logs + "eksodus_nginx_seen 'shop-orders'")
        XCTAssertEqual(none.status, 0)
        XCTAssertEqual(none.output, "no request reached shop-orders through ingress-nginx during the soak\n")
        let elsewhere = ["INGRESS_NGINX_NAMESPACE": "edge", "INGRESS_NGINX_DEPLOYMENT": "nginx", "WANT_NS": "edge", "WANT_DEPLOY": "nginx", "SOAK": "1800", "WANT_SINCE": "1800"]
        XCTAssertEqual(try GateShell.run("set -e\n" + logs + call, environment: elsewhere).output.split(separator: "\n").count, 2)
        XCTAssertNotEqual(try GateShell.run(logs + call, environment: ["WANT_NS": "edge"]).status, 0, "the log not read")
        XCTAssertNotEqual(try GateShell.run(logs + "eksodus_nginx_seen").status, 0, "no upstream")
    }

    /// A record file the TTL step saved with an original TTL of an hour: the soak lasts two.
    func testTheSoakLastsTwiceTheSavedOriginalTTL() throws {
        let items = try DemoPlanOnce.plan().items.filter { $0.step == .scaledown && (SoakCall.arguments($0)?.count ?? 0) > 1 }
        XCTAssertFalse(items.isEmpty, "a demo workload behind a DNS name")
        for item in items {
            let record = try XCTUnwrap(SoakCall.arguments(item)?.dropFirst().first)
            XCTAssertTrue(record.hasSuffix(".dns-record.json"), record)
            let soak = try soakFile(item), gate = Array(item.commands.prefix { !$0.contains(".source-replicas") })
            let folder = try temporaryFolder(self)
            try started(folder, soak, secondsAgo: 3 * 3600 / 2)
            XCTAssertEqual(try run(gate, in: folder).status, 0, "\(item.keyText): no record file, 15 minutes")
            try Data(#"[{"Name":"shop.example.com.","Type":"A","TTL":3600,"ResourceRecords":[{"Value":"192.0.2.1"}]}]"#.utf8).write(to: folder.appendingPathComponent(record))
            let held = try run(gate, in: folder)
            XCTAssertNotEqual(held.status, 0, "\(item.keyText): 90 minutes is under twice the TTL")
            XCTAssertTrue(held.output.contains("soak of 7200 s"), held.output)
            try started(folder, soak, secondsAgo: 7300)
            XCTAssertEqual(try run(gate, in: folder).status, 0, item.keyText)
            try Data("not json".utf8).write(to: folder.appendingPathComponent(record))
            XCTAssertNotEqual(try run(gate, in: folder).status, 0, "\(item.keyText): a broken record file")
        }
    }

    func testTheRollbackScalesToTheLiveCountSavedBeforeTheScaleDown() throws {
        for item in try plainScaledowns() {
            let key = item.keyText, soak = try soakFile(item)
            let folder = try temporaryFolder(self)
            try started(folder, soak, secondsAgo: 3600)
            let down = try run(item.commands, in: folder, environment: ["LIVE": "7"])
            XCTAssertEqual(down.status, 0, "\(key): \(down.output)")
            XCTAssertEqual(down.replicas, "0", key)
            // A re-run reads 0 live: the saved 7 stays.
            XCTAssertEqual(try run(item.commands, in: folder).status, 0, key)
            let back = try run(item.rollbackCommands, in: folder)
            XCTAssertEqual(back.status, 0, "\(key): \(back.output)")
            XCTAssertEqual(back.replicas, "7", "\(key): \(back.log)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent(soak).path), "\(key): a later scale-down soaks again")
            // The scale back fails: the soak's start stays with the step that did not end well.
            let failed = try temporaryFolder(self)
            try started(failed, soak, secondsAgo: 3600)
            XCTAssertNotEqual(try run(item.rollbackCommands, in: failed, environment: ["SOURCE_DOWN": "1"]).status, 0, key)
            XCTAssertTrue(FileManager.default.fileExists(atPath: failed.appendingPathComponent(soak).path), key)

            // Already at 0 on the first run: nothing saved, the rollback says it falls back to the inventory.
            let zero = try temporaryFolder(self)
            try started(zero, soak, secondsAgo: 3600)
            XCTAssertEqual(try run(item.commands, in: zero, environment: ["LIVE": "0"]).status, 0, key)
            let fallback = try run(item.rollbackCommands, in: zero)
            XCTAssertEqual(fallback.status, 0, key)
            XCTAssertTrue(fallback.output.contains("inventory"), fallback.output)
            XCTAssertNotEqual(fallback.replicas, "0", "\(key): rolled back to 0")

            // The source does not answer, or answers no number: nothing is scaled.
            for (why, environment) in [("down", ["SOURCE_DOWN": "1"]), ("no number", ["LIVE": "five"]), ("empty", ["LIVE": ""])] {
                let other = try temporaryFolder(self)
                try started(other, soak, secondsAgo: 3600)
                let result = try run(item.commands, in: other, environment: environment)
                XCTAssertNotEqual(result.status, 0, "\(key): \(why)")
                XCTAssertNil(result.replicas, "\(key): \(why)")
            }
        }
    }
}
