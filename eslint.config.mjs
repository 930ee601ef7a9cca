// @ts-check
import pulumi from "@pulumi/eslint-plugin";
import tseslint from "typescript-eslint";

export default tseslint.config({ ignores: ["node_modules/", "bin/", "coverage/", "reports/", ".stryker-tmp/", "eslint.config.mjs"] }, ...tseslint.configs.recommended, {
    files: ["**/*.ts"],
    languageOptions: {
        // Type information: the Pulumi rules tell an Output from a plain string.
        parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { "@pulumi": pulumi },
    rules: {
        // An Output in a template literal prints "Calling [toString] on an Output<T>" instead of its value.
        "@pulumi/no-output-in-template-literal": "error",
        "@pulumi/no-output-instance-in-template-literal": "error",
        "@typescript-eslint/no-explicit-any": "error",
        "@typescript-eslint/no-floating-promises": "error",
        "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
        eqeqeq: ["error", "always"],
        "prefer-const": "error",
    },
});
