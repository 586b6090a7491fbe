"""Reading people's images: decode, preprocess, segment into digits, personal examples, predict.

Each module has a twin of the same name in web/src/read/, step by step."""
