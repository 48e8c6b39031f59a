// Tests of veille/accounts.h: users, tokens and the append-only audit log,
// and the migration that adds them to an older archive.
#include "veille/accounts.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "archive/db.h"

namespace veille {
namespace {

namespace fs = std::filesystem;

class AccountsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (fs::temp_directory_path() /
             ("veille_accounts_" + std::to_string(getpid()) + "_" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db"))
                .string();
    fs::remove(path_);
    auto a = Archive::Open(path_, OpenMode::kReadWrite);
    ASSERT_TRUE(a.ok()) << a.error().message;
    a_ = std::move(*a);
  }
  void TearDown() override {
    a_.reset();
    for (const char* ext : {"", "-wal", "-shm"}) fs::remove(path_ + ext);
  }
  // 0 when the statements ran.
  int Exec(const std::string& sql) { return sql::Exec(a_->db(), sql).ok() ? 0 : 1; }

  std::string path_;
  std::unique_ptr<Archive> a_;
};

TokenRecord Token(const std::string& id, std::optional<std::string> expires = std::nullopt) {
  TokenRecord t;
  t.id = id;
  t.salt = std::string("salt\0salt", 9);
  t.hash = std::string(32, '\x07');
  t.created = "2024-05-01T00:00:00Z";
  t.expires = std::move(expires);
  return t;
}

TEST_F(AccountsTest, UsersAddListRemove) {
  EXPECT_FALSE(*HasAccounts(*a_));
  ASSERT_TRUE(AddUser(*a_, "bob", "reader", "2024-05-01T00:00:00Z").ok());
  ASSERT_TRUE(AddUser(*a_, "alice", "admin", "2024-05-02T00:00:00Z").ok());
  EXPECT_TRUE(*HasAccounts(*a_));
  auto dup = AddUser(*a_, "bob", "editor", "x");
  ASSERT_FALSE(dup.ok());
  EXPECT_NE(dup.error().message.find("already exists"), std::string::npos);
  auto role = AddUser(*a_, "carol", "root", "x");
  ASSERT_FALSE(role.ok());
  EXPECT_NE(role.error().message.find("role"), std::string::npos);
  auto users = Users(*a_, "2024-06-01T00:00:00Z");
  ASSERT_TRUE(users.ok());
  ASSERT_EQ(users->size(), 2u);
  EXPECT_EQ((*users)[0].name, "alice");
  EXPECT_EQ((*users)[0].role, "admin");
  EXPECT_EQ((*users)[1].name, "bob");
  EXPECT_EQ(RemoveUser(*a_, "nobody").error().code, Error::Code::kNotFound);
  ASSERT_TRUE(RemoveUser(*a_, "alice").ok());
  ASSERT_TRUE(RemoveUser(*a_, "bob").ok());
  EXPECT_FALSE(*HasAccounts(*a_));
}

TEST_F(AccountsTest, TokensFindRevokeAndCount) {
  ASSERT_TRUE(AddUser(*a_, "bob", "editor", "2024-05-01T00:00:00Z").ok());
  EXPECT_EQ(AddToken(*a_, "nobody", Token("00")).error().code, Error::Code::kNotFound);
  ASSERT_TRUE(AddToken(*a_, "bob", Token("aaaa")).ok());
  ASSERT_TRUE(AddToken(*a_, "bob", Token("bbbb", "2024-05-10T00:00:00Z")).ok());
  ASSERT_TRUE(AddToken(*a_, "bob", Token("cccc")).ok());
  auto t = FindToken(*a_, "aaaa");
  ASSERT_TRUE(t.ok() && *t);
  EXPECT_EQ((*t)->user, "bob");
  EXPECT_EQ((*t)->role, "editor");
  EXPECT_EQ((*t)->salt, std::string("salt\0salt", 9));  // bytes, NUL included
  EXPECT_EQ((*t)->hash, std::string(32, '\x07'));
  EXPECT_FALSE((*t)->revoked);
  EXPECT_FALSE(FindToken(*a_, "zzzz")->has_value());

  ASSERT_TRUE(RevokeToken(*a_, "cccc", "2024-05-05T00:00:00Z").ok());
  EXPECT_EQ(RevokeToken(*a_, "cccc", "x").error().code, Error::Code::kInvalidArgument);
  EXPECT_EQ(RevokeToken(*a_, "zzzz", "x").error().code, Error::Code::kNotFound);
  EXPECT_EQ(*(**FindToken(*a_, "cccc")).revoked, "2024-05-05T00:00:00Z");
  // Live tokens: not revoked, not expired at the time asked.
  EXPECT_EQ((*Users(*a_, "2024-05-09T00:00:00Z"))[0].tokens, 2u);
  EXPECT_EQ((*Users(*a_, "2024-05-11T00:00:00Z"))[0].tokens, 1u);
  auto list = Tokens(*a_, std::string("bob"));
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->size(), 3u);
  for (const auto& x : *list) EXPECT_TRUE(x.hash.empty() && x.salt.empty());
  EXPECT_TRUE(Tokens(*a_, std::string("nobody"))->empty());
  // Removing the user removes the tokens: none is found any more.
  ASSERT_TRUE(RemoveUser(*a_, "bob").ok());
  EXPECT_FALSE(FindToken(*a_, "aaaa")->has_value());
  EXPECT_TRUE(Tokens(*a_, std::nullopt)->empty());
}

TEST_F(AccountsTest, AuditIsAppendOnlyAndFiltered) {
  std::vector<AuditRecord> entries = {
      {0, "2024-05-01T10:00:00Z", "bob", "10.0.0.1", "GET /api/search", "kaboul",
       "{\"q\":\"kaboul\"}"},
      {0, "2024-05-02T11:00:00Z", "alice", "10.0.0.2", "GET /api/articles/{id}", "fr-1", "{}"},
      {0, "2024-05-03T12:00:00Z", "bob", "10.0.0.1", "login", "", "{}"},
  };
  ASSERT_TRUE(AppendAudit(*a_, entries).ok());
  auto all = ReadAudit(*a_, {});
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].target, "kaboul");  // oldest first
  EXPECT_LT((*all)[0].id, (*all)[1].id);
  AuditQuery q;
  q.user = "bob";
  EXPECT_EQ(ReadAudit(*a_, q)->size(), 2u);
  q.since = "2024-05-02";
  EXPECT_EQ(ReadAudit(*a_, q)->size(), 1u);
  AuditQuery until;
  until.until = "2024-05-02";  // inclusive: the whole day
  EXPECT_EQ(ReadAudit(*a_, until)->size(), 2u);
  AuditQuery action;
  action.action = "GET *";
  EXPECT_EQ(ReadAudit(*a_, action)->size(), 2u);
  action.action = "login";
  EXPECT_EQ(ReadAudit(*a_, action)->size(), 1u);
  AuditQuery last;
  last.limit = 1;
  auto one = ReadAudit(*a_, last);
  ASSERT_EQ(one->size(), 1u);
  EXPECT_EQ((*one)[0].action, "login");  // the most recent
  // Append-only: the schema refuses changes and deletions.
  EXPECT_NE(Exec("UPDATE audit_log SET user_name = 'eve'"), 0);
  EXPECT_NE(Exec("DELETE FROM audit_log"), 0);
  EXPECT_EQ(ReadAudit(*a_, {})->size(), 3u);
}

TEST_F(AccountsTest, OlderArchiveGetsTheTablesOnReadWriteOpen) {
  // Make the archive look like a version-3 one, then reopen it.
  ASSERT_EQ(
      Exec("DROP TRIGGER audit_log_no_delete; DROP TRIGGER audit_log_no_update; "
           "DROP TABLE audit_log; DROP TABLE tokens; DROP TABLE users; "
           "ALTER TABLE quotes DROP COLUMN speaker_kind; "
           "ALTER TABLE quotes DROP COLUMN confidence; ALTER TABLE quotes DROP COLUMN partial; "
           "UPDATE meta SET value = '3' WHERE key = 'schema_version'"),
      0);
  a_.reset();
  {
    auto ro = Archive::Open(path_, OpenMode::kReadOnly);
    ASSERT_TRUE(ro.ok());
    auto has = HasAccounts(**ro);
    ASSERT_TRUE(has.ok()) << has.error().message;  // no table: no accounts
    EXPECT_FALSE(*has);
  }
  auto rw = Archive::Open(path_, OpenMode::kReadWrite);
  ASSERT_TRUE(rw.ok()) << rw.error().message;
  a_ = std::move(*rw);
  ASSERT_TRUE(AddUser(*a_, "bob", "reader", "2024-05-01T00:00:00Z").ok());
  EXPECT_TRUE(*HasAccounts(*a_));
}

}  // namespace
}  // namespace veille
