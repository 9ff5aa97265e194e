// Syntax highlighting per language (CodeMirror's language packages, legacy modes where there is none, plain text
// otherwise) and a starter program for each runtime. Each mode is loaded on first use, so the first page load
// does not carry all of them.
import type { Extension } from '@codemirror/state';
import { StreamLanguage, type StreamParser } from '@codemirror/language';

async function legacy(load: () => Promise<StreamParser<unknown>>): Promise<Extension> {
  return StreamLanguage.define(await load());
}

const modes: Record<string, () => Promise<Extension>> = {
  python: async () => (await import('@codemirror/lang-python')).python(),
  javascript: async () => (await import('@codemirror/lang-javascript')).javascript(),
  typescript: async () => (await import('@codemirror/lang-javascript')).javascript({ typescript: true }),
  java: async () => (await import('@codemirror/lang-java')).java(),
  c: async () => (await import('@codemirror/lang-cpp')).cpp(),
  cpp: async () => (await import('@codemirror/lang-cpp')).cpp(),
  go: async () => (await import('@codemirror/lang-go')).go(),
  rust: async () => (await import('@codemirror/lang-rust')).rust(),
  php: async () => (await import('@codemirror/lang-php')).php(),
  html: async () => (await import('@codemirror/lang-html')).html(),
  css: async () => (await import('@codemirror/lang-css')).css(),
  json: async () => (await import('@codemirror/lang-json')).json(),
  ruby: () => legacy(async () => (await import('@codemirror/legacy-modes/mode/ruby')).ruby),
  lua: () => legacy(async () => (await import('@codemirror/legacy-modes/mode/lua')).lua),
  bash: () => legacy(async () => (await import('@codemirror/legacy-modes/mode/shell')).shell),
};

const byExtension: Record<string, string> = {
  py: 'python', js: 'javascript', mjs: 'javascript', cjs: 'javascript', jsx: 'javascript', ts: 'typescript',
  tsx: 'typescript', java: 'java', c: 'c', h: 'c', cpp: 'cpp', cc: 'cpp', cxx: 'cpp', hpp: 'cpp', go: 'go',
  rs: 'rust', rb: 'ruby', php: 'php', lua: 'lua', sh: 'bash', bash: 'bash', html: 'html', htm: 'html', css: 'css',
  json: 'json',
};

/** The language a file name suggests, or undefined for plain text. */
export function languageOfFile(name: string): string | undefined {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? undefined : byExtension[name.slice(dot + 1).toLowerCase()];
}

/** The highlighting for a language; plain text (no extension) when there is no mode for it. */
export async function highlighting(language: string | undefined): Promise<Extension> {
  const load = language ? modes[language] : undefined;
  return load ? load() : [];
}

/** A first program per runtime; it asks for input, to show off interactive runs. */
const starters: Record<string, { file: string; code: string }> = {
  python: { file: 'main.py', code: "name = input('What is your name? ')\nprint(f'Hello, {name}!')\n" },
  javascript: {
    file: 'main.js',
    code: "const readline = require('node:readline/promises');\n\n(async () => {\n  const rl = readline.createInterface({ input: process.stdin, output: process.stdout });\n  const name = await rl.question('What is your name? ');\n  console.log(`Hello, ${name}!`);\n  rl.close();\n})();\n",
  },
  typescript: { file: 'main.ts', code: "const greet = (name: string): string => `Hello, ${name}!`;\nconsole.log(greet('TypeScript'));\n" },
  java: {
    file: 'Main.java',
    code: 'import java.util.Scanner;\n\npublic class Main {\n    public static void main(String[] args) {\n        Scanner in = new Scanner(System.in);\n        System.out.print("What is your name? ");\n        System.out.flush();\n        String name = in.nextLine();\n        System.out.println("Hello, " + name + "!");\n    }\n}\n',
  },
  c: {
    file: 'main.c',
    code: '#include <stdio.h>\n\nint main(void) {\n    char name[100];\n    printf("What is your name? ");\n    fflush(stdout);\n    if (scanf("%99s", name) == 1) printf("Hello, %s!\\n", name);\n    return 0;\n}\n',
  },
  cpp: {
    file: 'main.cpp',
    code: '#include <iostream>\n#include <string>\n\nint main() {\n    std::string name;\n    std::cout << "What is your name? " << std::flush;\n    std::getline(std::cin, name);\n    std::cout << "Hello, " << name << "!\\n";\n}\n',
  },
  go: {
    file: 'main.go',
    code: 'package main\n\nimport (\n\t"bufio"\n\t"fmt"\n\t"os"\n\t"strings"\n)\n\nfunc main() {\n\tfmt.Print("What is your name? ")\n\tname, _ := bufio.NewReader(os.Stdin).ReadString(\'\\n\')\n\tfmt.Printf("Hello, %s!\\n", strings.TrimSpace(name))\n}\n',
  },
  rust: {
    file: 'main.rs',
    code: 'use std::io::{self, Write};\n\nfn main() {\n    print!("What is your name? ");\n    io::stdout().flush().unwrap();\n    let mut name = String::new();\n    io::stdin().read_line(&mut name).unwrap();\n    println!("Hello, {}!", name.trim());\n}\n',
  },
  ruby: { file: 'main.rb', code: "print 'What is your name? '\nname = gets.to_s.chomp\nputs \"Hello, #{name}!\"\n" },
  php: { file: 'main.php', code: '<?php\n$name = readline("What is your name? ");\necho "Hello, $name!\\n";\n' },
  lua: { file: 'main.lua', code: 'io.write("What is your name? ")\nlocal name = io.read() or ""\nprint("Hello, " .. name .. "!")\n' },
  bash: { file: 'main.sh', code: 'read -r -p "What is your name? " name\necho "Hello, $name!"\n' },
};

export function starter(language: string, extension: string): { file: string; code: string } {
  return starters[language] ?? { file: `main.${extension}`, code: '' };
}
