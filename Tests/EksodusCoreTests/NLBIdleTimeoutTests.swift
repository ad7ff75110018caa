import Foundation
import XCTest
@testable import EksodusCore

/// An NLB drops a TCP flow idle for 350 s; the listeners in front of a data store keep idle connections an hour, so the
/// consumers' pooled connections survive the move (`NLBIdleTimeout`).
final class NLBIdleTimeoutTests: XCTestCase {
    let reference = try! ReferenceData.embedded()

    static let manifests = """
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: orders-db, namespace: data}
        spec:
          serviceName: orders-db
          selector: {matchLabels: {app: orders-db}}
          template:
            metadata: {labels: {app: orders-db}}
            spec: {containers: [{name: postgres, image: 'postgres:16.4', ports: [{containerPort: 5432}]}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: orders-db, namespace: data}
        spec:
          type: LoadBalancer
          selector: {app: orders-db}
          ports: [{name: pg, port: 5432, targetPort: 5432}, {name: stats, port: 9187, protocol: UDP, targetPort: 9187}]
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: data}
        spec:
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec: {containers: [{name: web, image: 'nginx:1.27', ports: [{containerPort: 80}]}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: data}
        spec:
          type: LoadBalancer
          selector: {app: web}
          ports: [{port: 80, targetPort: 80}]
        """

    func testTheDatabasesNLBListenersKeepIdleConnectionsAnHourAndAWebNLBKeepsTheDefault() throws {
        let folder = try temporaryFolder(self)
        let file = folder.appendingPathComponent("estate.yaml")
        try Self.manifests.write(to: file, atomically: true, encoding: .utf8)
        let (plan, database) = try planImported([file.path])
        let db = try XCTUnwrap(plan.network.entries.first { $0.object == "Service/data/orders-db" })
        XCTAssertEqual(db.annotations["service.beta.kubernetes.io/aws-load-balancer-listener-attributes.TCP-5432"], "tcp.idle_timeout.seconds=3600")
        XCTAssertFalse(db.annotations.keys.contains { $0.contains("9187") }, "a UDP listener has no TCP idle timeout: \(db.annotations)")
        let web = try XCTUnwrap(plan.network.entries.first { $0.object == "Service/data/web" })
        XCTAssertFalse(web.annotations.keys.contains { $0.contains("listener-attributes") }, "HTTP keeps the default: \(web.annotations)")

        // The converted Service carries it, as the AWS Load Balancer Controller reads it.
        let estates = try database.writer.read { try Estate.load($0) }
        let out = try temporaryFolder(self)
        _ = try ConvertedManifests(plan: plan, reference: reference).write(estates: estates, to: out)
        let services = try FileManager.default.subpathsOfDirectory(atPath: out.path).filter { $0.hasSuffix(".yaml") }
            .flatMap { try ManifestText.objects(try String(contentsOf: out.appendingPathComponent($0), encoding: .utf8), name: $0) }
            .filter { $0["kind"]?.string == "Service" && $0["metadata", "name"]?.string == "orders-db" }
        let converted = try XCTUnwrap(services.first)
        XCTAssertEqual(converted["metadata", "annotations", "service.beta.kubernetes.io/aws-load-balancer-listener-attributes.TCP-5432"]?.string, "tcp.idle_timeout.seconds=3600")
    }

    /// The redirect's NLB (the source's consumers reaching the EKS database) gets the attribute for each TCP port of the
    /// Service `kubectl expose` made, computed by jq from that Service, never spliced.
    func testTheRedirectNLBSetsTheIdleTimeoutOnEveryTCPPortItExposes() throws {
        let plan = try DemoPlanOnce.plan()
        let expose = try XCTUnwrap(try XCTUnwrap(plan.items.first { $0.keyText == "redirect:prod/data/cart-cache" }).commands.first { $0.contains("--type LoadBalancer") })
        let stub = """
            kubectl() { case "$*" in
              *expose*) printf '{"kind":"Service","metadata":{"name":"x"},"spec":{"type":"LoadBalancer","ports":[{"port":6379,"protocol":"TCP"},{"port":6380},{"port":53,"protocol":"UDP"}]}}' ;;
              *annotate*) cat ;;
              *apply*) cat > "$OUT" ;;
            esac; }
            """
        let out = try temporaryFolder(self).appendingPathComponent("applied.json")
        XCTAssertEqual(try GateShell.run(stub + "\n" + expose, environment: ["SOURCE_EGRESS_CIDR": "10.20.0.0/16", "OUT": out.path]).status, 0)
        let service = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: out)) as? [String: Any])
        let annotations = try XCTUnwrap((service["metadata"] as? [String: Any])?["annotations"] as? [String: String])
        let prefix = "service.beta.kubernetes.io/aws-load-balancer-listener-attributes."
        XCTAssertEqual(annotations.filter { $0.key.hasPrefix(prefix) }, [prefix + "TCP-6379": "tcp.idle_timeout.seconds=3600", prefix + "TCP-6380": "tcp.idle_timeout.seconds=3600"])
        XCTAssertEqual(annotations["service.beta.kubernetes.io/aws-load-balancer-target-group-attributes"], "preserve_client_ip.enabled=true", "the ranges' annotation stays")
    }
}
