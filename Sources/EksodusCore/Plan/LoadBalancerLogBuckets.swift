/// The S3 buckets a carried load balancer annotation sends logs to: an ALB's or NLB's `load-balancer-attributes` /
/// `attributes` (`access_logs.s3.*`, `connection_logs.s3.*`, `health_check_logs.s3.*`) and a Service's older
/// `access-log-enabled` with `access-log-s3-bucket-name`. Elastic Load Balancing writes logs only to a bucket in the load
/// balancer's own Region whose policy lets it write ("Enable access logs": "The bucket must be located in the same Region as
/// the load balancer"); a bucket of the source's Region is refused, and the controller cannot set the attributes. Whether a
/// bucket is in the plan's Region is not in any export: each is a check for the team before the manifest is applied.
enum LoadBalancerLogBuckets {
    struct Log: Equatable {
        var annotation: String
        /// access, connection or health_check.
        var kind: String
        var bucket: String
    }

    static func logs(in annotations: [String: String]) -> [Log] {
        var logs: [Log] = []
        for key in annotations.keys.sorted() {
            guard let value = annotations[key] else { continue }
            if key.hasSuffix("load-balancer-attributes") || key == SourceLoadBalancerAnnotations.servicePrefix + "attributes" {
                let pairs = attributes(value)
                for (name, enabled) in pairs where name.hasSuffix("_logs.s3.enabled") && enabled.lowercased() == "true" {
                    let kind = String(name.dropLast("_logs.s3.enabled".count))
                    logs.append(Log(annotation: key, kind: kind, bucket: pairs.first { $0.name == kind + "_logs.s3.bucket" }?.value ?? ""))
                }
            } else if key == SourceLoadBalancerAnnotations.servicePrefix + "access-log-enabled", value.lowercased() == "true" {
                logs.append(Log(annotation: key, kind: "access", bucket: annotations[SourceLoadBalancerAnnotations.servicePrefix + "access-log-s3-bucket-name"] ?? ""))
            }
        }
        return logs
    }

    /// `name=value` pairs of an attributes annotation, comma-separated, as the controller reads them.
    static func attributes(_ value: String) -> [(name: String, value: String)] {
        value.split(separator: ",").compactMap { pair in
            guard let equals = pair.firstIndex(of: "=") else { return nil }
            return (pair[..<equals].trimmingCharacters(in: .whitespaces), pair[pair.index(after: equals)...].trimmingCharacters(in: .whitespaces))
        }
    }

    /// An S3 bucket name (3–63 lowercase letters, digits, `.` and `-`, starting and ending with a letter or digit): only such a
    /// name goes into the check the note shows.
    static func isBucketName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (3...63).contains(bytes.count), let first = bytes.first, let last = bytes.last else { return false }
        func alphanumeric(_ byte: UInt8) -> Bool { (0x61...0x7a).contains(byte) || (0x30...0x39).contains(byte) }
        return alphanumeric(first) && alphanumeric(last) && bytes.allSatisfy { alphanumeric($0) || $0 == 0x2e || $0 == 0x2d }
    }

    /// One note per log the carried annotations turn on, saying what to check in `region`.
    static func notes(_ annotations: [String: String], region: String) -> [String] {
        logs(in: annotations).map { log in
            let kind = log.kind.replacingOccurrences(of: "_", with: " ")
            let what = SourceLoadBalancerAnnotations.shown(log.annotation) + " is copied and turns on " + kind + " logs"
            guard isBucketName(log.bucket) else {
                let named = log.bucket.isEmpty ? "no bucket" : SourceLoadBalancerAnnotations.shown(log.bucket) + ", which is no S3 bucket name"
                return what + " to " + named + ": name a bucket in \(region) whose policy lets Elastic Load Balancing write, or turn them off, before it is applied"
            }
            return what + " to S3 bucket \(log.bucket): Elastic Load Balancing writes only to a bucket in the load balancer's Region (\(region)) whose policy lets it write, "
                + "and a bucket of the source's Region is refused (the controller cannot set the attributes): check before it is applied "
                + "(aws s3api get-bucket-location --bucket \(ShellQuote.word(log.bucket)); us-east-1 answers null), or name a bucket of \(region)"
        }
    }
}
