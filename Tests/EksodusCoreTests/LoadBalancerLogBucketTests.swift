import Foundation
import XCTest
@testable import EksodusCore

/// A source load balancer that wrote access logs to S3 keeps its attributes on EKS, but Elastic Load Balancing writes only to
/// a bucket of the load balancer's own Region ("Enable access logs"): a bucket of the source's Region is refused and the
/// controller cannot set the attributes. The plan cannot know a bucket's Region, so each is named for the team, with the check.
extension NetworkExposureTests {
    func testALoadBalancerThatWroteLogsToS3NamesItsBucketForACheckInThePlansRegion() throws {
        let alb = "alb.ingress.kubernetes.io/", aws = "service.beta.kubernetes.io/aws-load-balancer-"
        let logged = "access_logs.s3.enabled=true, access_logs.s3.bucket=shop-alb-logs,access_logs.s3.prefix=api,idle_timeout.timeout_seconds=120"
        let hostile = "connection_logs.s3.enabled=TRUE,connection_logs.s3.bucket=x'$(touch /tmp/pwned)"
        let service = """
            apiVersion: v1
            kind: Service
            metadata:
              name: edge
              namespace: shop
              annotations:
                \(aws)access-log-enabled: "true"
                \(aws)access-log-s3-bucket-name: edge-nlb-logs
            spec:
              type: LoadBalancer
              selector: {app: edge}
              ports: [{port: 443, targetPort: 8443}]
            status:
              loadBalancer: {ingress: [{hostname: a1b2-edge.us-east-1.elb.amazonaws.com}]}
            ---

            """
        let plan = try plan(["lb.yaml": [
            ingress("api", annotations: [alb + "load-balancer-attributes": logged], className: "alb"),
            ingress("admin", annotations: [alb + "load-balancer-attributes": hostile], className: "alb"),
            ingress("quiet", annotations: [alb + "load-balancer-attributes": "access_logs.s3.enabled=false,access_logs.s3.bucket=shop-alb-logs"], className: "alb"),
            ingress("nginx", annotations: [alb + "load-balancer-attributes": logged]),
        ].joined() + service])
        func entry(_ name: String) throws -> NetworkPlan.Entry { try XCTUnwrap(plan.network.entries.first { $0.name == name }) }

        let api = try entry("api")
        XCTAssertEqual(api.annotations[alb + "load-balancer-attributes"], logged, "the source ALB's attributes carry over")
        let note = try XCTUnwrap(api.manual.first { $0.contains("access logs") }, "\(api.manual)")
        XCTAssertTrue(note.contains("S3 bucket shop-alb-logs") && note.contains("(eu-west-1)"), note)
        XCTAssertTrue(note.contains("aws s3api get-bucket-location --bucket 'shop-alb-logs'"), note)

        let admin = try entry("admin")
        let refused = try XCTUnwrap(admin.manual.first { $0.contains("connection logs") }, "\(admin.manual)")
        XCTAssertTrue(refused.contains("which is no S3 bucket name"), refused)
        XCTAssertFalse(refused.contains("get-bucket-location"), "no check command is built from a name that is not a bucket's: \(refused)")

        XCTAssertFalse(try entry("quiet").manual.contains { $0.contains(" logs ") }, "logs turned off need no bucket")
        XCTAssertFalse(try entry("nginx").manual.contains { $0.contains("turns on access logs") }, "another controller's Ingress carries none of them")

        let edge = try entry("edge")
        XCTAssertEqual(edge.annotations[aws + "access-log-s3-bucket-name"], "edge-nlb-logs")
        XCTAssertTrue(edge.manual.contains { $0.hasPrefix(aws + "access-log-enabled is copied and turns on access logs to S3 bucket edge-nlb-logs") }, "\(edge.manual)")
    }

    func testBucketNamesFollowS3Rules() {
        for name in ["shop-alb-logs", "a.b-c", "abc", String(repeating: "a", count: 63)] { XCTAssertTrue(LoadBalancerLogBuckets.isBucketName(name), name) }
        for name in ["ab", "Shop", "-shop", "shop-", "shop_logs", "x'y", "a b", String(repeating: "a", count: 64), ""] {
            XCTAssertFalse(LoadBalancerLogBuckets.isBucketName(name), name)
        }
    }
}

/// A `use-annotation` action that forwards to a target group of the plan's own account and region is copied (the controller
/// can use it), but no Service of the EKS cluster fills that target group: if the source made it, the new ALB sends the rule's
/// traffic back to the source, which the decommission then takes away. It is named, with what to check.
extension NetworkExposureTests {
    func testAForwardToATargetGroupOfThePlansAccountIsNamedForReview() throws {
        let alb = "alb.ingress.kubernetes.io/"
        let own = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/k8s-shop-legacy/4b1e"
        let action = #"{"type":"forward","forwardConfig":{"targetGroups":[{"targetGroupARN":"\#(own)","weight":20},{"serviceName":"api","servicePort":"80","weight":80}]}}"#
        let services = #"{"type":"forward","forwardConfig":{"targetGroups":[{"serviceName":"api","servicePort":"80"}]}}"#
        let plan = try plan(["lb.yaml": [
            ingress("api", annotations: [alb + "actions.split": action], className: "alb"),
            ingress("plain", annotations: [alb + "actions.all": services], className: "alb"),
        ].joined()])
        let api = try XCTUnwrap(plan.network.entries.first { $0.name == "api" })
        XCTAssertEqual(api.annotations[alb + "actions.split"], action, "copied: without it the rule would be gone")
        XCTAssertTrue(api.manual.contains { $0.hasPrefix(alb + "actions.split is copied and forwards to target group " + own) && $0.contains("before the source is decommissioned") }, "\(api.manual)")
        XCTAssertFalse(api.manual.contains { $0.contains("(region") || $0.contains("(account") }, "of the plan's account and region: no objection")
        let plain = try XCTUnwrap(plan.network.entries.first { $0.name == "plain" })
        XCTAssertFalse(plain.manual.contains { $0.contains("target group") }, "\(plain.manual)")
    }
}
