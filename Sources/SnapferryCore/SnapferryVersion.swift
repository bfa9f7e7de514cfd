/// The one place snapferry's version lives: `snapferry --version`, `snapferry-sim --version`, the AWS
/// User-Agent, `snapferry_build_info{version}` and `scripts/package-deb.sh` (the package version) all read it.
public enum SnapferryVersion {
    /// The release number. `scripts/package-deb.sh` reads this line for the package's version.
    public static let number = "0.1.0"

    /// The git commit the binary was built from (`3334b9e`, `3334b9e-dirty`), or nil when unstamped.
    ///
    /// SwiftPM cannot hand a string to Swift code without a build-tool plugin (`-D` defines only
    /// booleans), and a generated source file in a shared checkout goes stale or races other builds.
    /// So the binary carries a fixed-width slot that `scripts/package-deb.sh` overwrites in its copy
    /// of each binary after the build (and checks through `--version`); a plain `swift build` leaves
    /// it blank and `--version` says "commit unknown".
    public static var commit: String? {
        let slot = commitSlot()
        guard slot.hasPrefix(commitSlotPrefix) else { return nil }
        let value = slot.dropFirst(commitSlotPrefix.count).filter { $0 != " " && $0 != "\0" }
        return value.isEmpty ? nil : String(value)
    }

    /// `0.1.0 (git 3334b9e)`, or `0.1.0 (commit unknown)` from an unstamped build.
    public static var description: String {
        "\(number) (\(commit.map { "git \($0)" } ?? "commit unknown"))"
    }

    /// `snapferry 0.1.0 (git 3334b9e)`: what `--version` prints.
    public static func versionLine(program: String) -> String { "\(program) \(description)" }

    static let commitSlotPrefix = "snapferry-git-commit:"

    /// The stamp slot: the prefix and 40 blanks, one string literal stored as-is in the binary.
    /// Not inlined nor optimized, so no build folds the blank slot into a constant answer.
    @inline(never) @_optimize(none)
    static func commitSlot() -> String {
        "snapferry-git-commit:                                        "
    }
}
