/// An error a person acts on: it says what went wrong and where (file, line, entry), in words.
///
/// Every module's errors conform; the command line renders them in one place (`ErrorReport` in
/// the executable), through the sanitiser, so no error text ever reaches a terminal raw and no
/// error ever surfaces as a stack trace.
public protocol UserFacingError: Error, Sendable {
    /// One or more lines, no trailing newline, naming the file and line where there is one.
    var message: String { get }
}

/// Where something happened in a file, for messages of the form `file:line: reason`.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var column: Int?

    public init(file: String, line: Int? = nil, column: Int? = nil) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        if let column { text += ":\(column)" }
        return text
    }
}
