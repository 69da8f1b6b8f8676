def generated = new File(basedir, 'target/generated-sources/keel/com/example/shop/db/tables/Orders.java')
assert generated.isFile() : "no generated Orders class"
assert !new File(basedir, 'target/generated-sources/keel/com/example/shop/db/tables/Orders_2026.java').exists() : "leaf partition was generated"
assert new File(basedir, 'target/classes/com/example/shop/OrderQueries.class').isFile() : "typed code did not compile"
def log = new File(basedir, 'build.log').text
assert log.contains('Keel codegen: generated') : "first build did not generate"
assert log.contains('migrations unchanged') : "second build regenerated"
return true
