/// How the runbook's `mongosh`, `mongo`, `mongodump` and `mongorestore` sign in to a MongoDB with authentication on (the
/// Bitnami chart's and the official image's default once a root password is set), never with a password on a command line
/// of the engineer's machine (`ps`, `kubectl exec` argv) nor in the runbook.
///
/// - Where the manifest gives the container its admin password in the environment (`MONGODB_ROOT_PASSWORD`, with
///   `MONGODB_ROOT_USER`, default `root`, for the Bitnami image; `MONGO_INITDB_ROOT_USERNAME` / `_PASSWORD` for the official
///   one, usually `valueFrom.secretKeyRef`), the pod's own variables are read inside the pod: only their names are in the
///   runbook, and the value never leaves the pod.
/// - Otherwise the engineer exports `MONGO_USER_<hash>` and `MONGO_PASSWORD_<hash>` (an `admin`-database user of THIS
///   workload's MongoDB; the hash is of cluster, namespace, kind and name, named in each step's note) on their machine,
///   never one global pair: a pair shared by every step would hand one team's password to whichever tenant's pod a step
///   targets. There is no fallback to a global `MONGO_USER`/`MONGO_PASSWORD`. Each call writes them to the pod's stdin with bash's `printf` (a builtin: no process, no argv) and a `sh` in the pod reads
///   them into its environment. Unset, the calls run without credentials, as on a mongod without authentication.
/// - `mongosh` reads them with `process.env` (MongoDB Shell, "Use Environment Variables in MongoDB Shell Scripts":
///   https://www.mongodb.com/docs/mongodb-shell/write-scripts/env-variables/), the legacy `mongo` shell with `_getEnv`;
///   the script signs in with `db.getSiblingDB('admin').auth()` (`--authenticationDatabase admin`'s effect: "Authenticate
///   a User", https://www.mongodb.com/docs/manual/tutorial/authenticate-a-user/), and a refused login prints
///   `auth-failed` and exits 3, so a gate fails closed and says the credentials, not an election, stopped it.
/// - `mongodump`/`mongorestore` take the password from a `--config` file written in the pod under `umask 077` and removed
///   on exit ("the recommended way to specify a password … besides the password prompt", Database Tools 100.3.0+:
///   https://www.mongodb.com/docs/database-tools/mongodump/), with `--username` and `--authenticationDatabase admin`.
struct MongoCredentials {
    /// The pod's own variables: the user's (nil: `root`) and the password's.
    var userVariable: String?
    var passwordVariable: String?
    /// Where the manifest takes the password from (`Secret NAME, key KEY`), for the comment; nil for a literal value.
    var secret: String?

    /// The recognised admin variables, by image: (user, password).
    static let known: [(user: String, password: String)] = [("MONGODB_ROOT_USER", "MONGODB_ROOT_PASSWORD"),
                                                            ("MONGO_INITDB_ROOT_USERNAME", "MONGO_INITDB_ROOT_PASSWORD")]

    /// A `…_PASSWORD_FILE` variable the manifest sets instead (a mounted file): named in the note, not read.
    var passwordFileVariable: String?

    /// The engineer's variables for this workload: `MONGO_USER_<hash>` / `MONGO_PASSWORD_<hash>`.
    var operatorUser: String
    var operatorPassword: String
    /// The workload, for the note (through `ShellQuote.comment`: its name is the manifest's).
    var workloadLabel: String

    /// 16 hex digits of a SHA-256 of the workload's cluster, namespace, kind and name, each with its length (no two
    /// workloads share it by moving a separator).
    static func variableSuffix(_ workload: Estate.Workload) -> String {
        DigestHex.sha256(fields: ["\(workload.clusterID)", workload.namespace, workload.kind, workload.name], digits: 16)
    }

    init(_ workload: Estate.Workload) {
        let suffix = Self.variableSuffix(workload)
        operatorUser = "MONGO_USER_" + suffix
        operatorPassword = "MONGO_PASSWORD_" + suffix
        workloadLabel = workload.label
        let variables = workload.containers.flatMap(\.env.items)
        passwordFileVariable = Self.known.map { $0.password + "_FILE" }.first { name in variables.contains { $0["name"]?.string == name } }
        for pair in Self.known {
            guard let password = variables.first(where: { $0["name"]?.string == pair.password }) else { continue }
            passwordVariable = pair.password
            userVariable = variables.contains { $0["name"]?.string == pair.user } ? pair.user : nil
            if let name = password["valueFrom", "secretKeyRef", "name"]?.string {
                secret = "Secret \(name), key \(password["valueFrom", "secretKeyRef", "key"]?.string ?? "?")"
            }
            return
        }
    }

    /// Whether the engineer's `MONGO_USER_<hash>` / `MONGO_PASSWORD_<hash>` are passed (the manifest shows no admin variable).
    var fromOperator: Bool { passwordVariable == nil }

    /// The variables the scripts read in the pod.
    private var userName: String { userVariable ?? (fromOperator ? "EKSODUS_MONGO_USER" : "") }
    private var passwordName: String { passwordVariable ?? "EKSODUS_MONGO_PASSWORD" }

    /// What the step says first about its credentials.
    var note: String {
        if let passwordVariable {
            return ShellQuote.comment("MongoDB credentials: each call signs in inside the pod as \(userVariable.map { "$" + $0 } ?? "root") with the pod's own $\(passwordVariable)"
                + (secret.map { " (\($0))" } ?? "") + ", --authenticationDatabase admin; the value never leaves the pod")
        }
        if let passwordFileVariable {
            return ShellQuote.comment("MongoDB credentials: the manifest gives the password as a file ($\(passwordFileVariable)), which eksodus does not read: export \(operatorUser) and \(operatorPassword) (a user of the admin database of \(workloadLabel)'s MongoDB, not another workload's) before this step: each call hands them to the pod on stdin (never an argument)")
        }
        return ShellQuote.comment("MongoDB credentials: the manifests show none; with authentication on, export \(operatorUser) and \(operatorPassword) (a user of the admin database of \(workloadLabel)'s MongoDB, not another workload's; no global MONGO_USER is read) before this step: each call hands them to the pod on stdin (never an argument); unset, the calls run without credentials")
    }

    /// Before `kubectl` on the engineer's machine: the credentials on the pod's stdin (`-i`), or nothing.
    var feed: String { fromOperator ? handed + " | " : "" }

    /// `printf` of this workload's two variables, one a line (a builtin: no argv).
    var handed: String { "printf '%s\\n%s\\n' \"${\(operatorUser):-}\" \"${\(operatorPassword):-}\"" }

    /// `-i ` where the credentials come on stdin.
    var stdinFlag: String { fromOperator ? "-i " : "" }

    /// `sh` lines reading the credentials from stdin into the environment (nothing when the pod holds them).
    var reads: String {
        fromOperator ? "IFS= read -r EKSODUS_MONGO_USER; IFS= read -r EKSODUS_MONGO_PASSWORD; export EKSODUS_MONGO_USER EKSODUS_MONGO_PASSWORD; " : ""
    }

    /// The command run in the pod in place of `mongosh` (its arguments follow): `mongosh`, or a `sh` that reads the
    /// credentials first (`"$@"`: the arguments, expanded on the engineer's machine, as they are).
    var mongosh: String {
        fromOperator ? "sh -c " + ShellQuote.word(reads + "exec mongosh \"$@\"") + " sh" : "mongosh"
    }

    /// The JavaScript that signs in first, in `mongosh` and the legacy shell alike, and `eksodusLogin(d)` for a connection
    /// of the script's own (`new Mongo(…)`): no double quote, `$` or backslash (it sits inside a double-quoted argument).
    var login: String {
        let user = userVariable == nil && !fromOperator ? "'root'" : "eksodusEnv('\(userName)')" + (fromOperator ? "" : " || 'root'")
        return "function eksodusEnv(n) { return typeof process === 'object' ? process.env[n] || '' : typeof _getEnv === 'function' ? _getEnv(n) || '' : '' }"
            + " var eksodusUser = \(user), eksodusPassword = eksodusEnv('\(passwordName)');"
            + " function eksodusLogin(d) { if (eksodusUser) { var r; try { r = d.getSiblingDB('admin').auth(eksodusUser, eksodusPassword) } catch (e) { r = 0 }"
            + " if (!r || r.ok === 0) { print('auth-failed'); quit(3) } } return d } eksodusLogin(db);"
    }

    /// `sh` that turns the credentials into `mongodump`/`mongorestore` options (`"$@"`): a `--config` file holding the
    /// password as a single-quoted YAML scalar, readable by the pod's user alone, removed on exit. Nothing without a user.
    var toolOptions: String {
        let user = fromOperator ? "\"$EKSODUS_MONGO_USER\"" : userVariable.map { "\"${\($0):-root}\"" } ?? "root"
        return reads + "set --; EKSODUS_MONGO_USER=\(user); if test -n \"$EKSODUS_MONGO_USER\"; then umask 077; c=$(mktemp) || exit 1; trap 'rm -f \"$c\"' EXIT;"
            + " printf \"password: '%s'\\n\" \"$(printf '%s' \"$\(passwordName)\" | sed \"s/'/''/g\")\" > \"$c\" || exit 1;"
            + " set -- --config \"$c\" --username \"$EKSODUS_MONGO_USER\" --authenticationDatabase admin; fi; "
    }

    /// Appended to a failed gate's message: what an `auth-failed` answer means.
    static func refused(_ variable: String) -> String {
        " case \"${\(variable):-}\" in auth-failed*) echo 'MongoDB refused the credentials (authentication failed, not an election nor a lag): check the MONGO_USER_<hash> and MONGO_PASSWORD_<hash> the note of this step names, or the admin Secret of the pod' >&2 ;; esac;"
    }
}
