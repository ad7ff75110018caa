import XCTest
@testable import EksodusCore

/// The scale-down of a source Deployment under a HorizontalPodAutoscaler: the HPA is saved and deleted before the scale, the
/// step refuses to scale while any HPA still targets it, and the rollback scales back up before re-creating the saved HPA.
final class SourceAutoscalersTests: XCTestCase {
    /// A stand-in source cluster: the HPA lives in `$HPA` (absent once deleted), `$EXTRA_HPA` is one more the inventory
    /// does not know, the Deployment's replicas are in `$REPLICAS` (5 live before any scale), every call is logged to `$LOG`; `$SOURCE_DOWN` makes
    /// each call fail.
    static let cluster = """
        kubectl() {
          printf '%s\\n' "$*" >> "$LOG"
          [ -z "${SOURCE_DOWN:-}" ] || return 1
          case "$*" in
            *"--context src"*" get hpa/"*" --ignore-not-found -o json") if [ -f "$HPA" ]; then cat "$HPA"; fi ;;
            *"--context src"*" delete hpa/"*" --ignore-not-found") [ -z "${DELETE_FAILS:-}" ] || return 1; rm -f "$HPA" ;;
            *"--context src"*" get hpa -o json") { printf '{"items":['; if [ -f "$HPA" ]; then cat "$HPA"; fi
              if [ -n "${EXTRA_HPA:-}" ]; then if [ -f "$HPA" ]; then printf ','; fi; printf '%s' "$EXTRA_HPA"; fi; printf ']}'; } ;;
            *"--context src"*" get deployment/"*"jsonpath={.spec.replicas}") if [ -f "$REPLICAS" ]; then cat "$REPLICAS"; else printf '5\n'; fi ;;
            *"--context src"*" scale deployment/"*" --replicas="*) last="${*: -1}"; printf '%s\\n' "${last#--replicas=}" > "$REPLICAS" ;;
            *"--context src"*" apply -f "*) cp "${@: -1}" "$HPA" ;;
            *) return 1 ;;
          esac
        }
        """

    static let liveHPA = #"{"apiVersion":"autoscaling/v2","kind":"HorizontalPodAutoscaler","metadata":{"name":"storefront","namespace":"shop","uid":"u-1","resourceVersion":"42"},"spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"storefront"},"minReplicas":3,"maxReplicas":12},"status":{"currentReplicas":5}}"#

    struct Run { let status: Int32; let log: [String]; let hpa: [String: Any]?; let replicas: String?; let folder: URL }

    func run(_ lines: [String], in folder: URL, hpa: String?, environment: [String: String] = [:]) throws -> Run {
        let state = folder.appendingPathComponent("hpa.json"), log = folder.appendingPathComponent("log"), replicas = folder.appendingPathComponent("replicas")
        if let hpa { try Data(hpa.utf8).write(to: state) }
        try? FileManager.default.removeItem(at: log)
        // The soak before the scale-down (`SourceScaleDownTests` runs it) is over: it started an hour ago.
        for item in try DemoPlanOnce.plan().items where item.step == .scaledown {
            if let name = SoakCall.arguments(item)?.first {
                try Data("\(Int(Date().timeIntervalSince1970) - 3600)\n".utf8).write(to: folder.appendingPathComponent(name))
            }
        }
        let result = try GateShell.run("set -e\ncd \(ShellQuote.word(folder.path))\n" + Self.cluster + "\n" + lines.joined(separator: "\n"),
                                       environment: environment.merging(["HPA": state.path, "LOG": log.path, "REPLICAS": replicas.path]) { $1 })
        let object = (try? Data(contentsOf: state)).flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
        let calls = ((try? String(contentsOf: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        return Run(status: result.status, log: calls, hpa: object, replicas: (try? String(contentsOf: replicas, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines), folder: folder)
    }

    func scaledown() throws -> PlanItem {
        try XCTUnwrap(DemoPlanOnce.plan().items.first { $0.keyText == "scaledown:prod/shop/storefront" }, "the demo's storefront has an HPA")
    }

    func testTheScaleDownSavesAndDeletesTheHPAFirstAndTheRollbackPutsItBackAfterScalingUp() throws {
        let item = try scaledown()
        XCTAssertTrue(item.title.contains("HorizontalPodAutoscaler"), item.title)
        let folder = try temporaryFolder(self)

        let first = try run(item.commands, in: folder, hpa: Self.liveHPA)
        XCTAssertEqual(first.status, 0, "\(first.log)")
        XCTAssertNil(first.hpa, "the HPA is deleted")
        XCTAssertEqual(first.replicas, "0")
        let delete = try XCTUnwrap(first.log.firstIndex { $0.contains(" delete hpa/") }), scale = try XCTUnwrap(first.log.firstIndex { $0.contains(" scale ") })
        XCTAssertLessThan(delete, scale, "deleted before the scale")
        let savedName = try XCTUnwrap(try FileManager.default.contentsOfDirectory(atPath: folder.path).first { $0.contains("hpa") && $0.hasSuffix(".source.json") })
        let saved = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent(savedName))) as? [String: Any])
        XCTAssertNil(saved["status"], "saved without its server-set fields")
        XCTAssertNil((saved["metadata"] as? [String: Any])?["resourceVersion"])
        XCTAssertEqual((saved["spec"] as? [String: Any])?["minReplicas"] as? Int, 3)

        // Re-run: the HPA is gone, the saved copy stays as the first run wrote it.
        let again = try run(item.commands, in: folder, hpa: nil)
        XCTAssertEqual(again.status, 0, "\(again.log)")
        let stillSaved = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent(savedName))) as? [String: Any])
        XCTAssertEqual((stillSaved["spec"] as? [String: Any])?["maxReplicas"] as? Int, 12)

        // Rollback: scaled back up, then the HPA re-created from the saved copy.
        let back = try run(item.rollbackCommands, in: folder, hpa: nil)
        XCTAssertEqual(back.status, 0, "\(back.log)")
        XCTAssertEqual(back.replicas, "5", "the live count the scale-down saved, not the inventory's 3")
        XCTAssertEqual(((back.hpa?["spec"] as? [String: Any])?["scaleTargetRef"] as? [String: Any])?["name"] as? String, "storefront")
        let up = try XCTUnwrap(back.log.firstIndex { $0.contains(" scale ") }), apply = try XCTUnwrap(back.log.firstIndex { $0.contains(" apply -f ") })
        XCTAssertLessThan(up, apply, "scaled up before the HPA comes back")
    }

    func testTheScaleDownDoesNotScaleWhileAnHPAStillTargetsItOrTheSourceDoesNotAnswer() throws {
        let item = try scaledown()
        let keda = #"{"metadata":{"name":"keda-hpa-storefront"},"spec":{"scaleTargetRef":{"kind":"Deployment","name":"storefront"}}}"#
        let other = #"{"metadata":{"name":"checkout"},"spec":{"scaleTargetRef":{"kind":"Deployment","name":"checkout"}}}"#
        let failures: [(String, [String: String])] = [
            ("an HPA the inventory does not know targets it", ["EXTRA_HPA": keda]),
            ("the source does not answer", ["SOURCE_DOWN": "1"]),
            ("the HPA's delete fails", ["DELETE_FAILS": "1"]),
        ]
        for (why, environment) in failures {
            let result = try run(item.commands, in: try temporaryFolder(self), hpa: Self.liveHPA, environment: environment)
            XCTAssertNotEqual(result.status, 0, why)
            XCTAssertNil(result.replicas, "\(why): scaled anyway")
        }
        // An HPA of another workload is no reason to stop.
        let unrelated = try run(item.commands, in: try temporaryFolder(self), hpa: Self.liveHPA, environment: ["EXTRA_HPA": other])
        XCTAssertEqual(unrelated.status, 0, "\(unrelated.log)")
        XCTAssertEqual(unrelated.replicas, "0")
    }

    /// A workload without an HPA in the inventory still gets the live check, and no save or delete.
    func testEveryScaleDownChecksTheLiveHPAsAndOnlyTheInventorysAreDeleted() throws {
        let scaledowns = try DemoPlanOnce.plan().items.filter { $0.step == .scaledown }
        XCTAssertGreaterThan(scaledowns.count, 1)
        for item in scaledowns {
            let scale = try XCTUnwrap(item.commands.firstIndex { $0.contains(" scale ") && $0.contains("--replicas=0") }, item.keyText)
            // `eksodus_scale_down_ready` saves and deletes the inventory's HPAs (a name and file each), then checks the live ones.
            let check = try XCTUnwrap(item.commands.firstIndex { $0.hasPrefix("eksodus_scale_down_ready ") }, item.keyText)
            XCTAssertLessThan(check, scale, item.keyText)
            XCTAssertEqual(item.commands[check].contains(".source.json'"), item.keyText == "scaledown:prod/shop/storefront", item.commands[check])
        }
    }
}
