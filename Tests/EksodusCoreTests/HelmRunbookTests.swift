import Foundation
import XCTest
@testable import EksodusCore

/// A Helm release is the one way its workloads reach EKS: installed in the wave of its earliest workload, their deploy
/// steps checking it, `eksodus convert` writing no file for them, and its stateful workload's copy order kept.
final class HelmRunbookTests: XCTestCase {
    /// Its release-Secret builder and stored manifests.
    let helm = HelmReleaseTests(name: "helper", testClosure: { _ in })

    /// A chart `shop` running an API, a PostgreSQL StatefulSet, a report CronJob and their ConfigMap; a chart `legacy` whose
    /// stored manifest renders a removed API version; a workload of no release beside them, which the API calls.
    func planned() throws -> (database: AppDatabase, plan: TransitionPlan) {
        let current = helm.oldManifest.replacingOccurrences(of: "extensions/v1beta1", with: "apps/v1")
        let owned = "annotations: {meta.helm.sh/release-name: shop, meta.helm.sh/release-namespace: shop}"
        let folder = try writeManifests([
            "shop.yaml": try helm.releaseSecret(name: "shop", namespace: "shop", revision: 3, manifest: current, chartVersion: "1.2.0"),
            "legacy.yaml": try helm.releaseSecret(name: "legacy", namespace: "shop", revision: 1, manifest: helm.oldManifest, chartVersion: "0.9.0"),
            "live.yaml": """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: shop-config, namespace: shop, \(owned)}
                data: {mode: live}
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: shop-db, namespace: shop, \(owned)}
                spec: {clusterIP: None, selector: {app: shop-db}, ports: [{port: 5432}]}
                ---
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: shop-db, namespace: shop, \(owned)}
                spec:
                  replicas: 2
                  serviceName: shop-db
                  selector: {matchLabels: {app: shop-db}}
                  template:
                    metadata: {labels: {app: shop-db}}
                    spec: {containers: [{name: postgres, image: postgres:16, volumeMounts: [{name: data, mountPath: /var/lib/postgresql/data}]}]}
                  volumeClaimTemplates: [{metadata: {name: data}, spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 10Gi}}}}]
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: shop-api, namespace: shop, \(owned)}
                spec:
                  selector: {matchLabels: {app: api}}
                  template:
                    metadata: {labels: {app: api}}
                    spec: {containers: [{name: api, image: api:2, env: [{name: DB_HOST, value: shop-db.shop.svc.cluster.local}, {name: OTHER_URL, value: "http://other.shop.svc:8080"}], envFrom: [{configMapRef: {name: shop-config}}]}]}
                ---
                apiVersion: batch/v1
                kind: CronJob
                metadata: {name: shop-report, namespace: shop, \(owned)}
                spec:
                  schedule: "0 3 * * *"
                  jobTemplate: {spec: {template: {spec: {restartPolicy: Never, containers: [{name: report, image: api:2, env: [{name: DB_HOST, value: shop-db}]}]}}}}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: legacy-api, namespace: shop, annotations: {meta.helm.sh/release-name: legacy}}
                spec: {selector: {matchLabels: {app: legacy}}, template: {metadata: {labels: {app: legacy}}, spec: {containers: [{name: web, image: web:1}]}}}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: other, namespace: shop}
                spec: {selector: {matchLabels: {app: other}}, template: {metadata: {labels: {app: other}}, spec: {containers: [{name: other, image: other:1}]}}}
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: other, namespace: shop}
                spec: {selector: {app: other}, ports: [{port: 8080}]}
                """,
        ], test: self)
        let database = try AppDatabase.inMemory()
        try importPaths([folder.path], cluster: "src", into: database)
        let request = PlanRequest(name: "default", target: KubernetesVersion(major: 1, minor: 33), region: "eu-west-1", accountID: "123456789012", now: fixedNow)
        return (database, try TransitionPlanner(database: database, reference: try ReferenceData.embedded()).run(request))
    }

    func item(_ key: String, in plan: TransitionPlan) throws -> PlanItem {
        try XCTUnwrap(plan.items.first { $0.keyText == key }, "no \(key) in \(plan.items.map(\.keyText))")
    }

    func deploys(of names: [String], in plan: TransitionPlan) throws -> [PlanItem] {
        try names.map { try item("deploy:src/shop/\($0)", in: plan) }
    }

    func testAReleaseInstallsInItsEarliestWorkloadsWaveAndItsWorkloadsOnlyCheckTheInstall() throws {
        let (_, plan) = try planned()
        let install = try item("helm-install:src/shop/shop", in: plan)
        let members = try deploys(of: ["shop-api", "shop-db", "shop-report"], in: plan)
        let waves = Set(members.compactMap(\.wave))
        let earliest = try XCTUnwrap(waves.min())
        XCTAssertEqual(install.phase, .cutover)
        XCTAssertEqual(install.wave, earliest, "the release installs in the wave of its earliest workload")
        XCTAssertNil(plan.items.first { $0.keyText == "plan:helm:src/shop/shop" }, "a current chart needs no plan-phase item")
        XCTAssertTrue(install.waitsFor.contains("apply:src:wave-\(earliest)"), "\(install.waitsFor)")
        for wave in waves { XCTAssertTrue(install.waitsFor.contains("images:src:wave-\(wave)"), "the chart pulls wave \(wave)'s images too") }
        XCTAssertEqual(install.commands.filter { $0.hasPrefix("helm upgrade --install 'shop' 'shop-api'") }.count, 1)
        for deploy in members {
            XCTAssertTrue(deploy.waitsFor.contains(install.keyText), deploy.keyText)
            XCTAssertFalse(deploy.commands.contains { $0.contains(" apply ") || $0.contains("converted/") }, "\(deploy.keyText): \(deploy.commands)")
        }
        XCTAssertTrue(try item("deploy:src/shop/shop-api", in: plan).commands.contains { $0.hasSuffix("rollout status 'deployment/shop-api' --timeout=10m") })
        // What the release's workloads call outside it deploys first, as it would for their own deploys.
        let other = try item("deploy:src/shop/other", in: plan)
        XCTAssertLessThanOrEqual(try XCTUnwrap(other.wave), earliest)
        XCTAssertTrue(install.waitsFor.contains(other.keyText), "\(install.waitsFor)")
        // A workload of no release keeps its file to apply.
        XCTAssertTrue(try item("deploy:src/shop/other", in: plan).commands.contains("kubectl --context \"$EKS_CONTEXT\" apply -f 'converted/src/wave-\(try XCTUnwrap(try item("deploy:src/shop/other", in: plan).wave))/workloads/deployment-shop-other.yaml'"))
        assertPrerequisitesAcyclic(plan, "helm releases")
    }

    /// The chart would schedule its CronJob on EKS while the source still runs it: the install suspends it whatever the
    /// chart's values say, the deploy step checks that, and only the enable step (after the source is suspended) unsuspends it.
    func testAReleasesCronJobInstallsSuspendedAndRunsOnlyOnceEnabled() throws {
        let (_, plan) = try planned()
        let install = try item("helm-install:src/shop/shop", in: plan)
        let renderer = try XCTUnwrap(install.commands.first { $0.contains(ShellQuote.fileName(["suspend-cronjobs", "src", "shop", "shop"], suffix: ".sh")) && $0.hasPrefix("printf") })
        XCTAssertTrue(renderer.contains(".spec.suspend) = true"), renderer)
        XCTAssertTrue(try bashParses([renderer]))
        let helm = try XCTUnwrap(install.commands.first { $0.hasPrefix("helm upgrade --install") })
        XCTAssertTrue(helm.hasSuffix("--post-renderer ./" + ShellQuote.fileName(["suspend-cronjobs", "src", "shop", "shop"], suffix: ".sh")), helm)
        XCTAssertLessThan(try XCTUnwrap(install.commands.firstIndex(of: renderer)), try XCTUnwrap(install.commands.firstIndex(of: helm)))
        let deploy = try item("deploy:src/shop/shop-report", in: plan)
        XCTAssertTrue(deploy.commands.contains { $0.contains("get 'cronjob/shop-report' -o jsonpath='{.spec.suspend}") && $0.contains("must print true") }, "\(deploy.commands)")
        let enable = try item("enable:src/shop/shop-report", in: plan)
        XCTAssertTrue(enable.waitsFor.contains("suspend-source:src/shop/shop-report"))
        XCTAssertEqual(plan.items.filter { $0.commands.contains { $0.contains("cronjob/shop-report") && (($0.contains("\"suspend\":false") && $0.contains("$EKS_CONTEXT")) || $0.hasPrefix("eksodus_cron_enable ")) } }.map(\.keyText),
                       ["enable:src/shop/shop-report"], "only the enable step unsuspends it on EKS")
    }

    func testAStatefulWorkloadOfAReleaseWaitsForTheTeamsDecisionAndKeepsItsCopyOrder() throws {
        let (_, plan) = try planned()
        let decision = try item("plan:helm-data:src/shop/shop", in: plan)
        XCTAssertEqual(decision.phase, .plan)
        XCTAssertTrue(decision.title.contains("StatefulSet/shop/shop-db"), decision.title)
        XCTAssertTrue(decision.title.contains("(a) with replicas 0 through the chart's own value"), decision.title)
        XCTAssertTrue(decision.title.contains("(b)") && decision.evidence.contains("adopts"), decision.evidence)
        XCTAssertFalse(decision.commands.contains { $0.contains("--set") }, "no guessed chart value")
        let install = try item("helm-install:src/shop/shop", in: plan)
        XCTAssertTrue(install.waitsFor.contains(decision.keyText))
        XCTAssertTrue(install.commands.contains { $0.hasPrefix("helm upgrade --install") && $0.contains(" -f 'values-src-shop-shop-stopped.yaml'") })
        // Empty target, replicate, verify, smoke, freeze, promote: each waits for the one before, the first for the install.
        let order = ["deploy", "data", "data-verify", "smoke", "freeze", "promote"].map { "\($0):src/shop/shop-db" }
        let position = Dictionary(plan.items.enumerated().map { ($1.keyText, $0) }, uniquingKeysWith: { first, _ in first })
        XCTAssertEqual(order.compactMap { position[$0] }, order.compactMap { position[$0] }.sorted())
        XCTAssertEqual(order.compactMap { position[$0] }.count, order.count)
        for (earlier, later) in zip(order, order.dropFirst()) { XCTAssertTrue(try item(later, in: plan).waitsFor.contains(earlier), later) }
        XCTAssertLessThan(try XCTUnwrap(position[install.keyText]), try XCTUnwrap(position[order[0]]))
        // The PostgreSQL standby starts only in the data step: the deploy step checks the install left it at 0.
        let deploy = try item(order[0], in: plan)
        XCTAssertTrue(deploy.commands.contains { $0.contains("get 'statefulset/shop-db' -o jsonpath='{.spec.replicas}") }, "\(deploy.commands)")
        XCTAssertFalse(deploy.commands.contains { $0.contains(" scale ") })
        assertPrerequisitesAcyclic(plan, "stateful release")
    }

    func testAReleaseRenderingARemovedAPIHoldsItsWaveUntilTheChartVersionIsChosen() throws {
        let (_, plan) = try planned()
        let choice = try item("plan:helm:src/shop/legacy", in: plan)
        XCTAssertEqual(choice.phase, .plan)
        XCTAssertTrue(choice.evidence.contains("renders removed API versions (Deployment shop-api)"), choice.evidence)
        let install = try item("helm-install:src/shop/legacy", in: plan)
        XCTAssertTrue(install.waitsFor.contains(choice.keyText))
        XCTAssertTrue(install.commands.contains { $0.contains("--version \"$CHART_VERSION\"") })
        let wave = try XCTUnwrap(try item("deploy:src/shop/legacy-api", in: plan).wave)
        XCTAssertEqual(install.wave, wave)
        XCTAssertTrue(try item("gate:src:wave-\(wave)", in: plan).waitsFor.contains(choice.keyText), "the wave's gate waits for the chart version")
    }

    func testConvertWritesNoFileForWhatAReleaseInstallsAndNamesTheReleaseInChanges() throws {
        let (database, plan) = try planned()
        let estates = try database.writer.read { try Estate.load($0) }
        let out = try temporaryFolder(self)
        _ = try ConvertedManifests(plan: plan, reference: try ReferenceData.embedded()).write(estates: estates, to: out)
        let files = try XCTUnwrap(FileManager.default.subpathsOfDirectory(atPath: out.path))
        let yaml = files.filter { $0.hasSuffix(".yaml") && !$0.hasSuffix("kustomization.yaml") }
        XCTAssertTrue(yaml.contains { $0.hasSuffix("workloads/deployment-shop-other.yaml") }, "\(yaml)")
        for name in ["deployment-shop-shop-api", "statefulset-shop-shop-db", "cronjob-shop-shop-report", "deployment-shop-legacy-api",
                     "configmap-shop-shop-config", "service-shop-shop-db"] {
            XCTAssertFalse(yaml.contains { $0.hasSuffix("/" + name + ".yaml") }, "\(name) is Helm's to install")
        }
        let changes = try files.filter { $0.hasSuffix("CHANGES.md") }.map { try String(contentsOf: out.appendingPathComponent($0), encoding: .utf8) }.joined()
        for label in ["Deployment/shop/shop-api", "StatefulSet/shop/shop-db", "CronJob/shop/shop-report", "ConfigMap/shop/shop-config"] {
            XCTAssertTrue(changes.contains("`\(label)` not written: installed by Helm release shop/shop (shop-api, 1.2.0)"), label)
        }
        XCTAssertTrue(changes.contains("`Deployment/shop/legacy-api` not written: installed by Helm release shop/legacy (shop-api, 0.9.0)"))
    }

    /// Whether bash reads the lines without a syntax error (`bash -n`: nothing runs).
    func bashParses(_ lines: [String]) throws -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-n", "-c", lines.joined(separator: "\n")]
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus == 0
    }
}
