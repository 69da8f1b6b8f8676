def generated = new File(basedir, 'target/generated-sources/keel/com/example/shop/db/tables/Orders.java')
assert generated.isFile() : "no generated Orders class"
assert !new File(basedir, 'target/generated-sources/keel/com/example/shop/db/tables/Orders_2026.java').exists() : "leaf partition was generated"
assert new File(basedir, 'target/classes/com/example/shop/OrderQueries.class').isFile() : "typed code did not compile"
def log = new File(basedir, 'build.log').text
assert log.contains('Keel codegen: generated') : "first build did not generate"
assert log.contains('migrations unchanged') : "second build regenerated"
assert !log.contains('database system is ready') && !log.contains('Detected a ') : "the embedded server's own log at INFO"
assert !log.contains('Successfully applied') : "Flyway's log at INFO"
return true
