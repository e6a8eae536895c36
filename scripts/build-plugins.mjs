// Builds every plugin under plugins/ from source (filled in with the plugin SDK).
console.log('build-plugins: no plugins yet');
