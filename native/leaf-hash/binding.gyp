{
  "targets": [
    {
      "target_name": "leaf_hash",
      "sources": ["leaf-hash.c"],
      "cflags": ["-O3"],
      "xcode_settings": { "OTHER_CFLAGS": ["-O3"] },
      "msvs_settings": { "VCCLCompilerTool": { "Optimization": 2 } }
    }
  ]
}
