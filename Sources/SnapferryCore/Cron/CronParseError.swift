/// A cron expression that could not be parsed, with the place to fix.
///
/// `message` says what is wrong and what is allowed, e.g. `hour 24 out of range 0-23`.
/// `offset` points at the offending token so that a config validator can report an exact
/// column: for a bad value, name, range or step it is the start of that value; for an
/// empty list item it is where the item should be; for a wrong number of fields it is the
/// first surplus field, or the end of the expression when fields are missing.
public struct CronParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong and what would be accepted instead.
    public let message: String
    /// 0-based character offset in the expression of the offending token.
    public let offset: Int

    /// Creates an error with an operator-facing message and the offset of the offending token.
    public init(message: String, offset: Int) {
        self.message = message
        self.offset = offset
    }

    /// The message followed by the 1-based column, e.g. `hour 24 out of range 0-23 (column 3)`.
    public var description: String {
        "\(message) (column \(offset + 1))"
    }
}
