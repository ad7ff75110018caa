import Foundation
import XCTest
@testable import EksodusCore

/// An object no API server would hold stops the import with its file and line, and the inventory stays as it was; what
/// real exports carry (RBAC names with ':', integral YAML floats, cron macros, Template parameters left unset) still imports.
final class ImportValidationTests: XCTestCase {
    static let good = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: shop}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: shop}
        spec: {replicas: 2, selector: {matchLabels: {app: web}}, template: {metadata: {labels: {app: web}}, spec: {containers: [{name: web, image: 'nginx:1.27'}]}}}
        """

    static func deployment(_ name: String = "api", namespace: String = "shop", replicas: String = "1") -> String {
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: \(name), namespace: \(namespace)}
        spec: {replicas: \(replicas), selector: {matchLabels: {app: a}}, template: {metadata: {labels: {app: a}}, spec: {containers: [{name: a, image: 'nginx:1.27'}]}}}
        """
    }

    /// What the inventory holds, to compare before and after a refused import.
    func snapshot(_ database: AppDatabase) throws -> [String] {
        try strings(database, "SELECT kind || ' ' || namespace || '/' || name || ' ' || import_id FROM resource ORDER BY 1")
            + strings(database, "SELECT 'import ' || id FROM import ORDER BY id")
            + strings(database, "SELECT 'workload ' || namespace || '/' || name FROM workload ORDER BY 1")
    }

    /// Each case after a good ConfigMap (so its object starts on line 6), imported over a good inventory: refused, with
    /// `file:6:` and the reason, and nothing changed.
    func testEachImpossibleObjectIsRefusedWithItsFileAndLineAndTheInventoryIsUntouched() throws {
        let cases: [(String, String)] = [
            ("apiVersion: v1\nkind: Namespace\nmetadata: {name: Shop}", "Namespace Shop: metadata.name 'Shop' is not a DNS-1123 label"),
            ("apiVersion: v1\nkind: Service\nmetadata: {name: web.v2, namespace: shop}\nspec: {ports: [{port: 80}]}", "Service web.v2: metadata.name 'web.v2' is not a DNS-1123 label"),
            ("apiVersion: v1\nkind: Service\nmetadata: {name: x/y, namespace: shop}\nspec: {ports: [{port: 80}]}", "is no path segment name"),
            ("apiVersion: v1\nkind: Service\nmetadata: {name: \"50%\", namespace: shop}\nspec: {ports: [{port: 80}]}", "is no path segment name"),
            ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: \"..\", namespace: shop}", "is no path segment name"),
            (Self.deployment("Web"), "Deployment Web: metadata.name 'Web' is not a DNS-1123 subdomain"),
            (Self.deployment("-f"), "metadata.name '-f' is not a DNS-1123 subdomain"),
            (Self.deployment("web\\0x"), "is not a DNS-1123 subdomain"),
            (Self.deployment(namespace: "\"--all\""), "metadata.namespace '--all' is not a DNS-1123 label"),
            (Self.deployment(namespace: "Shop"), "metadata.namespace 'Shop' is not a DNS-1123 label"),
            (Self.deployment(replicas: "-5"), "Deployment shop/api: spec.replicas is -5; it must be 0 to 2147483647"),
            (Self.deployment(replicas: "\"3\""), "spec.replicas is the string '3', not a whole number"),
            (Self.deployment(replicas: "1.5"), "spec.replicas is '1.5', not a whole number"),
            (Self.deployment(replicas: "3000000000"), "spec.replicas is 3000000000; it must be 0 to 2147483647"),
            ("apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db, namespace: shop}\nspec: {replicas: many, serviceName: db}", "StatefulSet shop/db: spec.replicas is 'many', not a whole number"),
            ("apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: web, namespace: shop}\nspec: {minReplicas: 5, maxReplicas: 2, scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}}",
             "HorizontalPodAutoscaler shop/web: spec.minReplicas 5 is greater than spec.maxReplicas 2"),
            ("apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: web, namespace: shop}\nspec: {maxReplicas: 0, scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}}", "spec.maxReplicas is 0; it must be at least 1"),
            ("apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: nightly, namespace: shop}\nspec: {schedule: \"0 0 * * *\\nrm -rf /\", jobTemplate: {spec: {template: {spec: {containers: [{name: a, image: busybox}]}}}}}",
             "CronJob shop/nightly: spec.schedule '0 0 * * *\\nrm -rf /' holds a line break"),
            ("apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: nightly, namespace: shop}\nspec: {schedule: \"*/5\\r* * * *\", jobTemplate: {spec: {template: {spec: {containers: [{name: a, image: busybox}]}}}}}",
             "holds a line break or another control character"),
            ("apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: nightly, namespace: shop}\nspec: {schedule: \"*/5 * * * *\\u000b\", jobTemplate: {spec: {template: {spec: {containers: [{name: a, image: busybox}]}}}}}",
             "holds a line break or another control character"),
            ("apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: nightly, namespace: shop}\nspec: {schedule: \"@every\\t5m\", jobTemplate: {spec: {template: {spec: {containers: [{name: a, image: busybox}]}}}}}",
             "is no cron macro"),
            ("apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: nightly, namespace: shop}\nspec: {schedule: \"0 0 * *\", jobTemplate: {spec: {template: {spec: {containers: [{name: a, image: busybox}]}}}}}", "has 4 fields; a cron schedule has 5"),
            ("apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: \(String(repeating: "n", count: 53)), namespace: shop}\nspec: {schedule: \"@daily\", jobTemplate: {spec: {template: {spec: {containers: [{name: a, image: busybox}]}}}}}", "is longer than 52 characters"),
            ("apiVersion: batch/v1\nkind: Job\nmetadata: {name: once, namespace: shop}\nspec: {parallelism: -1, template: {spec: {containers: [{name: a, image: busybox}]}}}", "Job shop/once: spec.parallelism is -1"),
        ]
        for (object, reason) in cases {
            let database = try AppDatabase.inMemory()
            try importPaths([try writeManifests(["good.yaml": Self.good], test: self).path], cluster: "c", into: database)
            let before = try snapshot(database)
            XCTAssertFalse(before.isEmpty)
            let folder = try writeManifests(["bad.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: fine, namespace: shop}\ndata: {a: b}\n---\n" + object + "\n"], test: self)
            let file = folder.appendingPathComponent("bad.yaml").path
            XCTAssertThrowsError(try importPaths([folder.path], cluster: "c", into: database), reason) { error in
                let text = "\(error)"
                XCTAssertTrue(error is ImportValidationError, text)
                XCTAssertTrue(text.hasPrefix("\(file):6: "), text)
                XCTAssertTrue(text.visibleLine.contains(reason), "\(reason) in \(text)")
                XCTAssertTrue(text.contains("nothing was imported"), text)
            }
            XCTAssertEqual(try snapshot(database), before, "a refused import changes nothing: \(reason)")
        }
    }

    /// The kinds whose names are path segments only keep names with ':' and capitals; integral floats, macros, zones and an
    /// HPA scaling to zero are what API servers store.
    func testWhatAPIServersStoreStillImports() throws {
        let folder = try writeManifests(["ok.yaml": """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata: {name: "system:controller:attachdetach-controller"}
            rules: []
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata: {name: "Team:Admins", namespace: shop}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: admin}
            subjects: []
            ---
            apiVersion: example.com/v1
            kind: Widget
            metadata: {name: "widget.v2", namespace: shop}
            ---
            apiVersion: v1
            kind: ServiceAccount
            metadata: {name: build.bot, namespace: shop}
            ---
            \(Self.deployment(replicas: "3.0"))
            ---
            apiVersion: batch/v1
            kind: CronJob
            metadata: {name: hourly, namespace: shop}
            spec: {schedule: "@hourly", jobTemplate: {spec: {template: {spec: {containers: [{name: a, image: busybox}]}}}}}
            ---
            apiVersion: batch/v1
            kind: CronJob
            metadata: {name: zoned, namespace: shop}
            spec: {schedule: "CRON_TZ=UTC 0 3 * * 1-5", jobTemplate: {spec: {parallelism: 2, template: {spec: {containers: [{name: a, image: busybox}]}}}}}
            ---
            apiVersion: autoscaling/v2
            kind: HorizontalPodAutoscaler
            metadata: {name: api, namespace: shop}
            spec: {minReplicas: 0, maxReplicas: 1, scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}}
            ---
            apiVersion: batch/v1
            kind: CronJob
            metadata: {name: tabbed, namespace: shop}
            spec: {schedule: "*/5\t* * * *", jobTemplate: {spec: {template: {spec: {containers: [{name: a, image: busybox}]}}}}}
            ---
            apiVersion: batch/v1
            kind: CronJob
            metadata: {name: spaced, namespace: shop}
            spec: {schedule: " 0  3 *\t\t* 1-5 ", jobTemplate: {spec: {template: {spec: {containers: [{name: a, image: busybox}]}}}}}
            """], test: self)
        let database = try AppDatabase.inMemory()
        try importPaths([folder.path], cluster: "c", into: database)
        XCTAssertEqual(try count(database, "SELECT count(*) FROM resource"), 10)
        // The cron parser splits on any run of white space (robfig/cron strings.Fields): the tab and doubled spaces are kept as written.
        XCTAssertEqual(try strings(database, "SELECT json_extract(body, '$.spec.schedule') FROM resource WHERE name = 'tabbed'"), ["*/5\t* * * *"])
        XCTAssertEqual(try strings(database, "SELECT p.replicas FROM pod_spec p JOIN resource r ON r.id = p.resource_id WHERE r.name = 'api'"), ["3"])
    }

    /// A Template's object with a parameter left unset (`oc process` would refuse it) is left out with a note: a Template is
    /// no stored object, so it does not stop the import.
    func testATemplateObjectWithAnUnsetNameIsLeftOutWithANote() throws {
        let folder = try writeManifests(["t.yaml": """
            apiVersion: template.openshift.io/v1
            kind: Template
            metadata: {name: shop, namespace: apps}
            parameters:
            - name: NAME
              required: true
            objects:
            - apiVersion: v1
              kind: Service
              metadata: {name: "${NAME}"}
              spec: {ports: [{port: 80}]}
            - apiVersion: v1
              kind: ConfigMap
              metadata: {name: settings}
            """], test: self)
        let database = try AppDatabase.inMemory()
        let summary = try importPaths([folder.path], cluster: "c", into: database)
        XCTAssertEqual(try strings(database, "SELECT kind || ' ' || name FROM resource ORDER BY 1"), ["ConfigMap settings", "Template shop"])
        let notes = summary.notices.map(\.message).joined(separator: "\n")
        XCTAssertTrue(notes.contains("a Template object left out: Service ${NAME}: metadata.name '${NAME}' is not a DNS-1123 label"), notes)
    }

    /// Every fixture export still imports (FixtureImportTests compares their counts with EXPECTED.json).
    func testEveryFixtureFolderImports() throws {
        let fixtures = try requireFixtures()
        let folders = try FileManager.default.contentsOfDirectory(atPath: fixtures.path).filter { $0.first?.isNumber == true }.sorted()
        XCTAssertGreaterThanOrEqual(folders.count, 14)
        for folder in folders {
            let database = try AppDatabase.inMemory()
            XCTAssertNoThrow(try importPaths([fixtures.appendingPathComponent(folder).path], cluster: "c", into: database), folder)
        }
    }
}
