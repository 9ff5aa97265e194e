package dev.playground.e2e;

import java.util.Map;

/** Hello world in every language the runtimes may offer, keyed by the runtime's language name. */
public final class HelloWorlds {
    public static final String EXPECTED = "Hello, World!";

    public static final Map<String, String> CODE = Map.ofEntries(
            Map.entry("python", "print('Hello, World!')"),
            Map.entry("javascript", "console.log('Hello, World!');"),
            Map.entry("typescript", "const greeting: string = 'Hello, World!';\nconsole.log(greeting);"),
            Map.entry("java", "public class Main { public static void main(String[] a) { System.out.println(\"Hello, World!\"); } }"),
            Map.entry("c", "#include <stdio.h>\nint main(void) { puts(\"Hello, World!\"); return 0; }"),
            Map.entry("cpp", "#include <iostream>\nint main() { std::cout << \"Hello, World!\" << std::endl; }"),
            Map.entry("go", "package main\nimport \"fmt\"\nfunc main() { fmt.Println(\"Hello, World!\") }"),
            Map.entry("rust", "fn main() { println!(\"Hello, World!\"); }"),
            Map.entry("ruby", "puts 'Hello, World!'"),
            Map.entry("php", "<?php echo \"Hello, World!\\n\";"),
            Map.entry("lua", "print('Hello, World!')"),
            Map.entry("bash", "echo 'Hello, World!'"));

    private HelloWorlds() {
    }
}
