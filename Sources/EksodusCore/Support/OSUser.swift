#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The name the operating system knows the current user by (the password database), for when $USER and $LOGNAME are
/// unset (cron, containers, `env -i`).
enum OSUser {
    static var name: String? {
        guard let entry = getpwuid(getuid()), let name = entry.pointee.pw_name else { return nil }
        let text = String(cString: name)
        return text.isEmpty ? nil : text
    }
}
