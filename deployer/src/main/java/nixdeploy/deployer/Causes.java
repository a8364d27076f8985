package nixdeploy.deployer;

/** The innermost cause of an exception, which usually says what really went wrong. */
public final class Causes {
    private Causes() {}

    public static Throwable root(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    /** The root cause's message, or its class name when it has none. */
    public static String rootMessage(Throwable e) {
        Throwable root = root(e);
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    /** The stack trace, for --debug-logs only. */
    public static String stackTrace(Throwable e) {
        java.io.StringWriter text = new java.io.StringWriter();
        e.printStackTrace(new java.io.PrintWriter(text));
        return text.toString();
    }
}
