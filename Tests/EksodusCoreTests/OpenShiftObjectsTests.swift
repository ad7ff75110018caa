import Foundation
import XCTest
@testable import EksodusCore

/// OpenShift Templates expand into the objects `oc process` would make with their defaults; Routes become ALB Ingresses.
final class OpenShiftObjectsTests: XCTestCase {
    let reference = try! ReferenceData.embedded()

    /// A Template whose parameters hold hostile text: shell, SQL, YAML and a reference to another parameter.
    static let template = """
        apiVersion: template.openshift.io/v1
        kind: Template
        metadata:
          name: shop
          namespace: apps
        labels:
          app: shop
        parameters:
        - name: NAME
          value: web
        - name: REPLICAS
          value: "3"
        - name: DB_PASSWORD
          generate: expression
          from: "[a-zA-Z0-9]{16}"
        - name: API_TOKEN
          value: s3cr3t-t0ken-value-123
        - name: BANNER
          value: "$(touch /tmp/pwned) '; DROP TABLE resource; -- ${NAME}\\nkind: Secret"
        - name: IMAGE_TAG
          required: true
        objects:
        - apiVersion: apps/v1
          kind: Deployment
          metadata:
            name: ${NAME}
          spec:
            replicas: ${{REPLICAS}}
            selector: {matchLabels: {app: "${NAME}"}}
            template:
              metadata: {labels: {app: "${NAME}"}}
              spec:
                containers:
                - name: web
                  image: "quay.io/shop/${NAME}:${IMAGE_TAG}"
                  env:
                  - {name: BANNER, value: "${BANNER}"}
                  - {name: DB_PASSWORD, value: "${DB_PASSWORD}"}
                  - {name: GREETING, value: "hello ${NAME}, ${UNKNOWN} stays"}
        - apiVersion: v1
          kind: Service
          metadata: {name: "${NAME}"}
          spec:
            selector: {app: "${NAME}"}
            ports: [{port: 80, targetPort: 8080}]
        """

    func testTemplateObjectsAreImportedWithTheirParameterDefaults() throws {
        let database = try AppDatabase.inMemory()
        let folder = try writeManifests(["template.yaml": Self.template], test: self)
        let summary = try importPaths([folder.path], cluster: "ocp", into: database)
        XCTAssertEqual(try strings(database, "SELECT kind || '/' || namespace || '/' || name FROM resource ORDER BY 1"),
                       ["Deployment/apps/web", "Service/apps/web", "Template/apps/shop"])
        XCTAssertEqual(try strings(database, "SELECT kind || '/' || name FROM workload"), ["Deployment/web"])
        // ${{REPLICAS}} keeps its number; the template's labels and the mark reach the objects.
        XCTAssertEqual(try count(database, "SELECT replicas FROM pod_spec"), 3)
        XCTAssertEqual(try strings(database, "SELECT labels FROM resource WHERE kind = 'Deployment'"), [#"{"app":"shop"}"#])
        XCTAssertEqual(try count(database, """
            SELECT count(*) FROM resource WHERE json_extract(annotations, '$."eksodus.io/from-template"') = 'apps/shop'
            """), 2)

        // Hostile values are data: substituted once, never evaluated, never looked into for more references.
        let env = try XCTUnwrap(try strings(database, "SELECT env FROM container").first)
        let values = Dictionary(uniqueKeysWithValues: ManifestText.value(env)?.items.compactMap { item in
            item["name"]?.string.map { ($0, item["value"]?.string ?? "") } } ?? [])
        XCTAssertEqual(values["BANNER"], "$(touch /tmp/pwned) '; DROP TABLE resource; -- ${NAME}\nkind: Secret")
        XCTAssertEqual(values["GREETING"], "hello web, ${UNKNOWN} stays")
        XCTAssertFalse(FileManager.default.fileExists(atPath: "/tmp/pwned"))
        XCTAssertEqual(try count(database, "SELECT count(*) FROM resource"), 3, "the SQL in a value ran nowhere")
        // A generated parameter gets a placeholder and a notice; a required one without a value stays a visible reference.
        XCTAssertEqual(values["DB_PASSWORD"], SecretRedaction.marker, "a password is masked whatever its value")
        XCTAssertEqual(try strings(database, "SELECT reference FROM image"), ["quay.io/shop/web:${IMAGE_TAG}"])
        let notices = summary.notices.map(\.message)
        XCTAssertTrue(notices.contains { $0.contains("DB_PASSWORD") && $0.contains("does not evaluate") && $0.contains(TemplateExpansion.placeholder(for: "DB_PASSWORD")) }, "\(notices)")
        XCTAssertTrue(notices.contains { $0.contains("IMAGE_TAG") && $0.contains("required") }, "\(notices)")
        // The template's own parameter values are stored as any object's are: a token's value never reaches the inventory.
        XCTAssertEqual(try count(database, "SELECT count(*) FROM resource WHERE body LIKE '%s3cr3t-t0ken%'"), 0)

        let listing = try InventoryQuery().table(.templates, in: database)
        XCTAssertEqual(listing.rows, [[.text("ocp"), .text("apps"), .text("shop"), .integer(6), .integer(1), .integer(2), .text("Deployment Service")]])
    }

    func testLiveObjectsWinOverTheTemplatesVersion() throws {
        let live = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web, namespace: apps}
            spec:
              replicas: 7
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec: {containers: [{name: web, image: quay.io/shop/web:2.4.1}]}
            """
        // Read before and after the template: the live object is kept either way.
        for files in [["a-live.yaml": live, "b-template.yaml": Self.template], ["a-template.yaml": Self.template, "b-live.yaml": live]] {
            let database = try AppDatabase.inMemory()
            let summary = try importPaths([try writeManifests(files, test: self).path], cluster: "ocp", into: database)
            XCTAssertTrue(summary.warnings.contains { $0.contains("Deployment apps/web is defined twice") && $0.hasSuffix("not the Template's copy") }, "\(summary.warnings)")
            XCTAssertEqual(try count(database, "SELECT replicas FROM pod_spec p JOIN resource r ON r.id = p.resource_id WHERE r.name = 'web'"), 7, "\(files.keys.sorted())")
        }
    }

    func testAParameterReferencedThousandsOfTimesCannotBlowUpTheImport() throws {
        let value = String(repeating: "x", count: 64 << 10)
        let references = Array(repeating: "\"${BIG}\"", count: 1_000).joined(separator: ", ")
        let template = """
            apiVersion: template.openshift.io/v1
            kind: Template
            metadata: {name: bomb, namespace: apps}
            parameters: [{name: BIG, value: \(value)}]
            objects:
            - {apiVersion: v1, kind: ConfigMap, metadata: {name: small}, data: {a: "${BIG}"}}
            - {apiVersion: v1, kind: ConfigMap, metadata: {name: huge}, data: {list: [\(references)]}}
            """
        let database = try AppDatabase.inMemory()
        let summary = try importPaths([try writeManifests(["bomb.yaml": template], test: self).path], cluster: "ocp", into: database)
        XCTAssertEqual(try strings(database, "SELECT name FROM resource WHERE kind = 'ConfigMap'"), ["small"])
        XCTAssertTrue(summary.notices.contains { $0.message.contains("more than \(TemplateExpansion.maxAddedBytes >> 20) MiB") }, "\(summary.notices)")
    }

    func testSubstitutionIsOnePassAndKeepsTypes() {
        let values = ["A": "${B}", "B": "b", "N": "42"]
        XCTAssertEqual(TemplateExpansion.replacingReferences(in: "x-${A}-${B}-${{N}}-${C}", values), "x-${B}-b-42-${C}")
        XCTAssertEqual(TemplateExpansion.replacingReferences(in: "${unclosed", values), "${unclosed")
    }

    // MARK: DeploymentConfigs

    /// Imports, plans and converts `paths`; returns every converted object by file name, and the CHANGES.md texts joined.
    func converted(_ paths: [String]) throws -> (objects: [String: ManifestNode], changes: String) {
        let database = try AppDatabase.inMemory()
        try importPaths(paths, cluster: "ocp", into: database)
        let plan = try TransitionPlanner(database: database, reference: reference)
            .run(PlanRequest(name: "p", target: KubernetesVersion(major: 1, minor: 33), region: "eu-west-1", accountID: "123456789012", now: fixedNow))
        let estates = try database.writer.read { try Estate.load($0) }
        let out = try temporaryFolder(self)
        _ = try ConvertedManifests(plan: plan, reference: reference).write(estates: estates, to: out)
        var objects: [String: ManifestNode] = [:], changes = ""
        for case let url as URL in FileManager.default.enumerator(at: out, includingPropertiesForKeys: nil)! where ["yaml", "md"].contains(url.pathExtension) {
            let text = try String(contentsOf: url, encoding: .utf8)
            if url.lastPathComponent == "CHANGES.md" { changes += text }
            if url.pathExtension == "yaml", !url.lastPathComponent.hasPrefix("kustomization") {
                objects[url.lastPathComponent] = try ManifestText.objects(text, name: url.path).first
            }
        }
        return (objects, changes)
    }

    func testDeploymentConfigsAreWrittenAsDeploymentsWithTheirTriggersAsTodos() throws {
        let fixtures = try requireFixtures()
        let (objects, changes) = try converted([fixtures.appendingPathComponent("11-openshift-oc-list-exports").path])
        // The path the runbook applies for each DeploymentConfig workload.
        let frontend = try XCTUnwrap(objects["deploymentconfig-example-frontend.yaml"], "\(objects.keys.sorted())")
        XCTAssertEqual(frontend["apiVersion"]?.string, "apps/v1")
        XCTAssertEqual(frontend["kind"]?.string, "Deployment")
        let selector = try XCTUnwrap(frontend["spec", "selector", "matchLabels"]?.stringMap)
        let labels = frontend["spec", "template", "metadata", "labels"]?.stringMap ?? [:]
        XCTAssertFalse(selector.isEmpty)
        XCTAssertTrue(selector.allSatisfy { labels[$0.key] == $0.value }, "the selector picks the template")
        XCTAssertEqual(frontend["spec", "strategy", "type"]?.string, "Recreate")
        XCTAssertNil(frontend["spec", "triggers"])
        XCTAssertTrue(frontend["spec", "template", "spec", "containers"]?.items.first?["image"]?.string?.contains(".dkr.ecr.") == true)
        XCTAssertTrue(changes.contains("DeploymentConfig example/frontend: ImageChange trigger on origin-ruby-sample:latest"), changes)
        XCTAssertFalse(objects.values.contains { $0["kind"]?.string == "DeploymentConfig" })

        let rolling = """
            apiVersion: apps.openshift.io/v1
            kind: DeploymentConfig
            metadata: {name: api, namespace: shop}
            spec:
              replicas: 4
              selector: {app: api}
              strategy:
                type: Rolling
                rollingParams: {maxSurge: 2, maxUnavailable: 0, pre: {failurePolicy: Abort, execNewPod: {command: [migrate], containerName: api}}}
              triggers: [{type: ConfigChange}]
              template:
                metadata: {labels: {app: api, tier: web}}
                spec: {containers: [{name: api, image: quay.io/shop/api:1.2}]}
            """
        let (synthetic, syntheticChanges) = try converted([try writeManifests(["dc.yaml": rolling], test: self).path])
        let api = try XCTUnwrap(synthetic["deploymentconfig-shop-api.yaml"], "\(synthetic.keys.sorted())")
        XCTAssertEqual(api["spec", "replicas"]?.int, 4)
        XCTAssertEqual(api["spec", "selector", "matchLabels"]?.stringMap, ["app": "api"])
        XCTAssertEqual(api["spec", "strategy", "type"]?.string, "RollingUpdate")
        XCTAssertEqual(api["spec", "strategy", "rollingUpdate", "maxSurge"]?.int, 2)
        XCTAssertEqual(api["spec", "strategy", "rollingUpdate", "maxUnavailable"]?.int, 0)
        XCTAssertTrue(syntheticChanges.contains("the pre lifecycle hook is not carried over"), syntheticChanges)
        XCTAssertFalse(syntheticChanges.contains("ImageChange"), "a ConfigChange trigger needs nothing")
    }

    // MARK: Routes

    func testFixtureRoutesBecomeALBIngressesForTheirServicePort() throws {
        let fixtures = try requireFixtures()
        let database = try AppDatabase.inMemory()
        try importPaths([fixtures.appendingPathComponent("11-openshift-oc-list-exports").path], cluster: "ocp", into: database)
        let plan = try TransitionPlanner(database: database, reference: reference)
            .run(PlanRequest(name: "p", target: KubernetesVersion(major: 1, minor: 33), region: "eu-west-1", accountID: "123456789012", now: fixedNow))
        let routes = plan.network.entries.filter { $0.kind == "Route" }.sorted { $0.name < $1.name }
        XCTAssertEqual(routes.map(\.name), ["frontend", "other"])
        // Both send targetPort 8080 to Service frontend, whose port 5432 targets 8080: the Ingress names the Service port.
        XCTAssertEqual(routes.map { $0.route?.port }, ["5432", "5432"])
        let edge = routes[1]
        XCTAssertEqual(edge.route?.termination, "edge")
        XCTAssertEqual(edge.annotations["alb.ingress.kubernetes.io/ssl-redirect"], "443", "insecureEdgeTerminationPolicy: Redirect")
        XCTAssertTrue(edge.needsCertificate)
        XCTAssertEqual(edge.tlsHosts, ["www.test.com"])
        XCTAssertNil(routes[0].annotations["alb.ingress.kubernetes.io/listen-ports"], "plain HTTP keeps the default listener")
        XCTAssertTrue(routes.allSatisfy { $0.exposure.needsDecision }, "the router's exposure is not in the Route")
        XCTAssertTrue(plan.items.contains { $0.key == "plan:exposure:ocp" && $0.evidence.contains("Route/example/frontend") })
    }

    func testRouteTerminationsMapToTheALBOrAnNLB() throws {
        func route(_ name: String, tls: String) -> String {
            """
            apiVersion: route.openshift.io/v1
            kind: Route
            metadata:
              name: \(name)
              namespace: shop
              annotations:
                haproxy.router.openshift.io/ip_whitelist: 10.0.0.0/8 192.168.0.0/16
            spec:
              host: \(name).shop.example.com
              path: /api
              to: {kind: Service, name: api}
              port: {targetPort: https}
            \(tls)
            """
        }
        let service = """
            apiVersion: v1
            kind: Service
            metadata: {name: api, namespace: shop}
            spec:
              selector: {app: api}
              ports: [{name: web, port: 443, targetPort: https}]
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: api, namespace: shop}
            spec:
              selector: {matchLabels: {app: api}}
              template:
                metadata: {labels: {app: api}}
                spec: {containers: [{name: api, image: quay.io/shop/api:1.0, ports: [{name: https, containerPort: 8443}]}]}
            """
        let key = "-----BEGIN RSA PRIVATE KEY-----\\n      MIIEowIBAAKCAQEAnotarealkeybutlongenoughtolooklikeone0123456789abcdef\\n      -----END RSA PRIVATE KEY-----"
        let files = [
            "service.yaml": service,
            "reencrypt.yaml": route("reencrypt", tls: "  tls: {termination: reencrypt, destinationCACertificate: ca}"),
            "passthrough.yaml": route("passthrough", tls: "  tls: {termination: passthrough}"),
            "edge.yaml": route("edge", tls: "  tls:\n    termination: edge\n    insecureEdgeTerminationPolicy: None\n    certificate: cert\n    key: \"\(key)\""),
        ]
        let database = try AppDatabase.inMemory()
        try importPaths([try writeManifests(files, test: self).path], cluster: "src", into: database)
        XCTAssertEqual(try count(database, "SELECT count(*) FROM resource WHERE body LIKE '%notarealkey%'"), 0, "the Route's TLS key never reaches the inventory")
        let plan = try TransitionPlanner(database: database, reference: reference)
            .run(PlanRequest(name: "p", target: KubernetesVersion(major: 1, minor: 35), region: "eu-west-1", accountID: "123456789012", now: fixedNow))
        let entries = Dictionary(uniqueKeysWithValues: plan.network.entries.filter { $0.kind == "Route" }.map { ($0.name, $0) })

        let edge = try XCTUnwrap(entries["edge"])
        XCTAssertEqual(edge.annotations["alb.ingress.kubernetes.io/listen-ports"], "[{\"HTTPS\": 443}]", "insecure None: HTTPS only")
        XCTAssertNil(edge.annotations["alb.ingress.kubernetes.io/backend-protocol"])
        XCTAssertEqual(edge.route?.port, "443", "targetPort https is Service port 443")
        XCTAssertEqual(edge.exposure.source, .internal, "the router allow-list admits private ranges only")
        XCTAssertEqual(edge.annotations["alb.ingress.kubernetes.io/inbound-cidrs"], "10.0.0.0/8,192.168.0.0/16")
        XCTAssertTrue(edge.manual.contains { $0.contains("import it into ACM") })

        let reencrypt = try XCTUnwrap(entries["reencrypt"])
        XCTAssertEqual(reencrypt.annotations["alb.ingress.kubernetes.io/backend-protocol"], "HTTPS")
        XCTAssertTrue(reencrypt.manual.contains { $0.contains("destinationCACertificate") })

        let passthrough = try XCTUnwrap(entries["passthrough"])
        XCTAssertNil(passthrough.group, "no ALB")
        XCTAssertEqual(passthrough.annotations["service.beta.kubernetes.io/aws-load-balancer-type"], "external")
        XCTAssertTrue(passthrough.target.contains("NLB"), passthrough.target)
        XCTAssertFalse(passthrough.needsCertificate, "the pods keep terminating TLS")

        // convert writes each ALB Route as an Ingress, and the passthrough one as a TODO.
        let estates = try database.writer.read { try Estate.load($0) }
        let out = try temporaryFolder(self)
        _ = try ConvertedManifests(plan: plan, reference: reference).write(estates: estates, to: out)
        var ingresses: [String: ManifestNode] = [:]
        var changes = ""
        for case let url as URL in FileManager.default.enumerator(at: out, includingPropertiesForKeys: nil)! where ["yaml", "md"].contains(url.pathExtension) {
            let text = try String(contentsOf: url, encoding: .utf8)
            if url.lastPathComponent == "CHANGES.md" { changes += text }
            guard url.pathExtension == "yaml", !url.lastPathComponent.hasPrefix("kustomization") else { continue }
            for object in try ManifestText.objects(text, name: url.path) where object["kind"]?.string == "Ingress" {
                ingresses[object["metadata", "name"]?.string ?? ""] = object
            }
            XCTAssertFalse(text.contains("route.openshift.io"), url.lastPathComponent)
        }
        XCTAssertEqual(ingresses.keys.sorted(), ["edge", "reencrypt"])
        let ingress = try XCTUnwrap(ingresses["edge"])
        XCTAssertEqual(ingress["apiVersion"]?.string, "networking.k8s.io/v1")
        XCTAssertEqual(ingress["spec", "ingressClassName"]?.string, "alb")
        let rule = try XCTUnwrap(ingress["spec", "rules"]?.items.first)
        XCTAssertEqual(rule["host"]?.string, "edge.shop.example.com")
        let path = try XCTUnwrap(rule["http", "paths"]?.items.first)
        XCTAssertEqual(path["path"]?.string, "/api")
        XCTAssertEqual(path["pathType"]?.string, "Prefix")
        XCTAssertEqual(path["backend", "service", "name"]?.string, "api")
        XCTAssertEqual(path["backend", "service", "port", "number"]?.int, 443)
        XCTAssertEqual(ingress["spec", "tls"]?.items.first?["hosts"]?.items.compactMap(\.string), ["edge.shop.example.com"])
        XCTAssertEqual(ingress["metadata", "annotations", "alb.ingress.kubernetes.io/group.name"]?.string, edge.group)
        XCTAssertTrue(changes.contains("Route shop/passthrough is TLS passthrough"), changes)
    }
}
