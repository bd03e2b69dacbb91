/* A shared object that is not a vmtest plugin at all. */
int not_a_vmtest_plugin(void) { return 42; }
