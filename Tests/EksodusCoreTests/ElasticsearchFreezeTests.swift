import Foundation
import XCTest
@testable import EksodusCore

/// The demo's search index (Elasticsearch 7.17.9) as an EKS migration engineer expects it: the initial restore brings
/// the cluster's global state (templates, pipelines, ILM policies) without the feature states, the freeze stops index
/// creation and ILM as well as writing (and its rollback puts back what the source had), the promotion fails while an
/// index lacks the block, and a failed count names a new final snapshot. The lines run in bash against a stand-in
/// `kubectl` (running the command after `--`, `SIDE` set to its context) and `curl` keeping each side's cluster
/// settings and ILM mode in files.
final class ElasticsearchFreezeTests: XCTestCase {
    static let stubs = [
        "kubectl": #"""
            [ -z "${KUBECTL_FAILS:-}" ] || exit 1
            while [ "$1" != -- ]; do [ "$1" != --context ] || { SIDE=$2; export SIDE; }; shift; done; shift
            exec "$@"
            """#,
        "curl": #"""
            [ -z "${CURL_FAILS:-}" ] || exit 22
            method=GET url= body=
            while [ $# -gt 0 ]; do
              case "$1" in -X*) method=${1#-X} ;; -H) shift ;; -d) body=$2; shift ;; -*) ;; *) url=$1 ;; esac; shift
            done
            case "$method $url" in
              "GET localhost:9200/_cluster/settings?flat_settings=true") cat "$SIDE.settings" ;;
              "PUT localhost:9200/_cluster/settings")
                jq --argjson b "$body" '.persistent = ((.persistent + ($b.persistent // {})) | with_entries(select(.value != null)))' "$SIDE.settings" > "$SIDE.new" && mv "$SIDE.new" "$SIDE.settings"
                echo '{"acknowledged":true}' ;;
              "GET localhost:9200/_ilm/status") printf '{"operation_mode":"%s"}' "$(cat "$SIDE.ilm")" ;;
              "POST localhost:9200/_ilm/stop") echo STOPPED > "$SIDE.ilm"; echo '{"acknowledged":true}' ;;
              "POST localhost:9200/_ilm/start") echo RUNNING > "$SIDE.ilm"; echo '{"acknowledged":true}' ;;
              "PUT localhost:9200/*,-.*/_settings") echo "$body" >> "$SIDE.blocks"; echo '{"acknowledged":true}' ;;
              "GET localhost:9200/*,-.*/_settings/index.blocks.write?flat_settings=true") printf '%s' "${BLOCKS_OUT-}" ;;
              "GET localhost:9200/_cat/templates?h=name&s=name") eval "printf '%b' \"\${TEMPLATES_$SIDE-}\"" ;;
              "GET localhost:9200/_ingest/pipeline") eval "printf '%s' \"\${PIPELINES_$SIDE-{\}}\"" ;;
              "GET localhost:9200/_ilm/policy") eval "printf '%s' \"\${POLICIES_$SIDE-{\}}\"" ;;
              *) echo "unexpected: $method $url" >&2; exit 64 ;;
            esac
            """#,
    ]

    private func item(_ key: String) throws -> PlanItem {
        try XCTUnwrap(try DemoPlanOnce.plan().items.first { $0.keyText == key }, key)
    }

    private func folder(settings: String = #"{"persistent":{},"transient":{}}"#, ilm: String = "RUNNING") throws -> URL {
        let folder = try temporaryFolder(self)
        let bin = folder.appendingPathComponent("bin", isDirectory: true)
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        for (name, body) in Self.stubs {
            let url = bin.appendingPathComponent(name)
            try ("#!/bin/bash\n" + body + "\n").write(to: url, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
        }
        try settings.write(to: folder.appendingPathComponent("src.settings"), atomically: true, encoding: .utf8)
        try (ilm + "\n").write(to: folder.appendingPathComponent("src.ilm"), atomically: true, encoding: .utf8)
        return folder
    }

    /// Runs `lines` under `set -e` in `folder`: whether every line passed.
    private func run(_ lines: [String], in folder: URL, _ environment: [String: String] = [:]) throws -> Bool {
        let marker = folder.appendingPathComponent("passed")
        try? FileManager.default.removeItem(at: marker)
        let script = "set -e\ncd " + ShellQuote.word(folder.path) + "\n" + lines.joined(separator: "\n") + "\ntouch passed"
        _ = try GateShell.run(script, environment: ["PATH": folder.appendingPathComponent("bin").path + ":/usr/bin:/bin"].merging(environment) { $1 })
        return FileManager.default.fileExists(atPath: marker.path)
    }

    private func settings(_ folder: URL) throws -> [String: Any] {
        let data = try Data(contentsOf: folder.appendingPathComponent("src.settings"))
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    private func persistent(_ folder: URL) throws -> [String: Any] { try settings(folder)["persistent"] as? [String: Any] ?? [:] }

    private func ilm(_ folder: URL) throws -> String {
        try String(contentsOf: folder.appendingPathComponent("src.ilm"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func testTheFreezeStopsIndexCreationAndILMAndItsRollbackPutsBackTheSourcesOwn() throws {
        let freeze = try item("freeze:prod/data/search-index")
        let folder = try folder(settings: #"{"persistent":{"action.auto_create_index":"+logs-*,-*","cluster.routing.allocation.enable":"all"},"transient":{}}"#)
        XCTAssertTrue(try run(freeze.commands, in: folder))
        XCTAssertEqual(try persistent(folder)["action.auto_create_index"] as? Bool, false, "no index is auto-created after the freeze")
        XCTAssertEqual(try persistent(folder)["cluster.routing.allocation.enable"] as? String, "all", "other settings untouched")
        XCTAssertEqual(try ilm(folder), "STOPPED", "no rollover makes a new write index")
        XCTAssertTrue(try String(contentsOf: folder.appendingPathComponent("src.blocks"), encoding: .utf8).contains(#""index.blocks.write": true"#))
        // A re-run (after a failed line further on) keeps the source's own value, not the freeze's false.
        XCTAssertTrue(try run(freeze.commands, in: folder), "re-runnable")
        XCTAssertTrue(try run(freeze.rollbackCommands, in: folder))
        XCTAssertEqual(try persistent(folder)["action.auto_create_index"] as? String, "+logs-*,-*", "the source's own pattern is back")
        XCTAssertEqual(try ilm(folder), "RUNNING")
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".auto-create-index.json") || $0.hasSuffix(".ilm-mode") }
        XCTAssertEqual(left, [], "the saved values are forgotten: the next freeze saves afresh")

        // A source without the setting, ILM stopped by its team: the rollback removes the setting and leaves ILM stopped.
        let bare = try self.folder(ilm: "STOPPED")
        XCTAssertTrue(try run(freeze.commands, in: bare))
        XCTAssertTrue(try run(freeze.rollbackCommands, in: bare))
        XCTAssertNil(try persistent(bare)["action.auto_create_index"], "unset again")
        XCTAssertEqual(try ilm(bare), "STOPPED", "ILM was stopped before the freeze")
    }

    func testTheFreezeFailsWhenIndexCreationCannotBeStopped() throws {
        let freeze = try item("freeze:prod/data/search-index").commands
        let transient = try folder(settings: #"{"persistent":{},"transient":{"action.auto_create_index":"true"}}"#)
        XCTAssertFalse(try run(freeze, in: transient), "a transient value overrides the persistent false")
        let unreadable = try folder()
        XCTAssertFalse(try run(freeze, in: unreadable, ["CURL_FAILS": "1"]), "the settings could not be read")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: unreadable.path).filter { $0.contains(".auto-create-index") }, [], "nothing saved")
        XCTAssertFalse(try run(freeze, in: try folder(), ["KUBECTL_FAILS": "1"]), "kubectl fails")
    }

    func testThePromotionFailsWhileAnIndexOnTheSourceTakesWrites() throws {
        let promote = try item("promote:prod/data/search-index").commands
        let gate = try XCTUnwrap(promote.first { $0.hasPrefix("{ SOURCE_BLOCKS=") }, "\(promote)")
        let take = try XCTUnwrap(promote.firstIndex { $0.contains(".final-snapshot") && $0.contains("-XPUT") })
        XCTAssertLessThan(try XCTUnwrap(promote.firstIndex(of: gate)), take, "checked before the final snapshot is taken")
        let folder = try folder()
        XCTAssertTrue(try run([gate], in: folder, ["BLOCKS_OUT": #"{"orders":{"settings":{"index.blocks.write":"true"}},"logs-2026.12.02":{"settings":{"index.blocks.write":"true"}}}"#]))
        XCTAssertFalse(try run([gate], in: folder, ["BLOCKS_OUT": #"{"orders":{"settings":{"index.blocks.write":"true"}},"logs-2026.12.03":{"settings":{}}}"#]), "an index made after the freeze")
        XCTAssertFalse(try run([gate], in: folder, ["BLOCKS_OUT": ""]), "nothing read")
        XCTAssertFalse(try run([gate], in: folder, ["BLOCKS_OUT": "not json"]), "an answer that is not JSON")
        XCTAssertFalse(try run([gate], in: folder, ["BLOCKS_OUT": "{}", "KUBECTL_FAILS": "1"]), "kubectl fails")
    }

    /// A re-run after a failed count takes a new final snapshot: the name in the file changes.
    func testAFailedCountNamesANewFinalSnapshot() throws {
        let promote = try item("promote:prod/data/search-index").commands
        let counts = try XCTUnwrap(promote.first { $0.hasPrefix("{ SOURCE_COUNTS=") })
        let file = try XCTUnwrap(promote.compactMap { line -> String? in
            guard let range = line.range(of: #"'[^']*\.final-snapshot'"#, options: .regularExpression) else { return nil }
            return String(line[range].dropFirst().dropLast())
        }.first)
        let stub = """
            kubectl() { case "$*" in *"--context eks"*) printf '%b' "$EKS_OUT" ;; *) printf '%b' "$SOURCE_OUT" ;; esac; }

            """
        let folder = try temporaryFolder(self)
        let named = folder.appendingPathComponent(file)
        try "final-20000101-000000\n".write(to: named, atomically: true, encoding: .utf8)
        let same = try GateShell.run("cd " + ShellQuote.word(folder.path) + "\n" + stub + counts, environment: ["SOURCE_OUT": "orders 10\\n", "EKS_OUT": "orders 10\\n"])
        XCTAssertEqual(same.status, 0)
        XCTAssertEqual(try String(contentsOf: named, encoding: .utf8), "final-20000101-000000\n", "equal counts keep the name")
        let differ = try GateShell.run("cd " + ShellQuote.word(folder.path) + "\n" + stub + counts, environment: ["SOURCE_OUT": "orders 11\\n", "EKS_OUT": "orders 10\\n"])
        XCTAssertNotEqual(differ.status, 0)
        let renamed = try String(contentsOf: named, encoding: .utf8).trimmingCharacters(in: .newlines)
        XCTAssertNotEqual(renamed, "final-20000101-000000", "a re-run must not reuse the SUCCESS snapshot taken before")
        XCTAssertNotNil(renamed.range(of: #"^final-[0-9]{8}-[0-9]{6}$"#, options: .regularExpression), renamed)
    }

    func testTheInitialRestoreBringsTheGlobalStateAndIsChecked() throws {
        let data = try item("data:prod/data/search-index").commands
        let restore = try XCTUnwrap(data.first { $0.contains("eksodus/initial/_restore") })
        XCTAssertTrue(restore.contains(#""include_global_state": true, "feature_states": ["none"]"#), "templates, pipelines and ILM; EKS keeps its own users: \(restore)")
        let final = try XCTUnwrap(try item("promote:prod/data/search-index").commands.first { $0.contains("$SNAPSHOT/_restore") })
        XCTAssertFalse(final.contains("include_global_state"), "the final restore replaces indices only")
        let gates = data.filter { $0.contains("MISSING=$(comm -23") }
        XCTAssertEqual(gates.count, 3, "templates, pipelines, ILM policies: \(data)")
        XCTAssertLessThan(try XCTUnwrap(data.firstIndex(of: restore)), try XCTUnwrap(data.firstIndex(of: gates[0])))
        let folder = try folder()
        let same: [String: String] = ["TEMPLATES_src": "logs\\nmetrics\\n", "TEMPLATES_eks": "logs\\nmetrics\\n",
                                      "PIPELINES_src": #"{"geoip":{}}"#, "PIPELINES_eks": #"{"geoip":{},"other":{}}"#,
                                      "POLICIES_src": #"{"logs":{}}"#, "POLICIES_eks": #"{"logs":{}}"#]
        XCTAssertTrue(try run(gates, in: folder, same))
        XCTAssertFalse(try run(gates, in: folder, same.merging(["TEMPLATES_eks": "metrics\\n"]) { $1 }), "a template missing on EKS")
        XCTAssertFalse(try run(gates, in: folder, same.merging(["PIPELINES_eks": "{}"]) { $1 }), "a pipeline missing on EKS")
        XCTAssertFalse(try run(gates, in: folder, same.merging(["POLICIES_eks": ""]) { $1 }), "EKS's policies read nothing")
        XCTAssertFalse(try run(gates, in: folder, same.merging(["POLICIES_src": "oops"]) { $1 }), "the source's answer is not JSON")
        XCTAssertFalse(try run(gates, in: folder, same.merging(["KUBECTL_FAILS": "1"]) { $1 }), "kubectl fails")
    }

    /// Where the image's tag gives no version, neither restore body is safe: indices only, and a failing decision.
    func testAnUnknownVersionRestoresIndicesOnlyAndAsksForADecision() throws {
        let snapshot = ElasticsearchSnapshot(workload: try XCTUnwrap(try searchIndex(image: "docker.elastic.co/elasticsearch/elasticsearch:latest")))
        XCTAssertNil(snapshot.version)
        let state = ElasticsearchGlobalState(snapshot: snapshot)
        XCTAssertFalse(state.initialRestoreBody.contains("include_global_state"))
        XCTAssertFalse(try run(state.gate(), in: try folder()), "a decision, not a silent default")
        XCTAssertTrue(state.gate().joined().contains("decision:"))
    }

    func searchIndexForExtension(image: String) throws -> Estate.Workload? { try searchIndex(image: image) }

    private func searchIndex(image: String) throws -> Estate.Workload? {
        let database = try AppDatabase.inMemory()
        let folder = try writeManifests(["es.yaml": """
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: search-index, namespace: data}
            spec:
              replicas: 1
              selector: {matchLabels: {app: search-index}}
              template:
                metadata: {labels: {app: search-index}}
                spec:
                  containers:
                  - {name: elasticsearch, image: "\(image)"}
            """], test: self)
        try importPaths([folder.path], cluster: "src", into: database)
        return try database.writer.read { try Estate.load($0) }.first?.workloads.first
    }
}

extension ElasticsearchFreezeTests {
    /// The OSS distribution has no ILM: neither its freeze nor its gate calls the ILM API (which would refuse and stop them).
    func testTheOSSDistributionHasNoILMToStopOrCompare() throws {
        let workload = try XCTUnwrap(try searchIndexForExtension(image: "docker.elastic.co/elasticsearch/elasticsearch-oss:7.10.2"))
        let snapshot = ElasticsearchSnapshot(workload: workload)
        XCTAssertFalse(ElasticsearchGlobalState(snapshot: snapshot).hasILM)
        XCTAssertFalse(ElasticsearchIndexCreationFreeze(snapshot: snapshot).freeze().joined().contains("_ilm"))
        XCTAssertFalse(ElasticsearchGlobalState(snapshot: snapshot).gate().joined().contains("_ilm"))
        XCTAssertTrue(ElasticsearchGlobalState(snapshot: snapshot).initialRestoreBody.contains("\"include_global_state\": true"), "7.10 takes the global state, without feature_states")
        XCTAssertFalse(ElasticsearchGlobalState(snapshot: snapshot).initialRestoreBody.contains("feature_states"))
    }
}
