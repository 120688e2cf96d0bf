#pragma once

#include <QString>

#include <utility>
#include <variant>

// One configuration or usage problem, worded for a person: the file, the dotted key and what is wrong.
struct ConfigError
{
    QString file; // the configuration file, "command line", or empty
    QString key; // dotted path such as "limits.idleTimeout" or "nodes[1].maxConnection"; may be empty
    QString problem;

    // One line, e.g. `cluster.json: limits.idleTimeout: must be a positive integer (got "abc")`.
    QString toString() const;

    friend bool operator==(const ConfigError &, const ConfigError &) = default;
};

// Either a value or the ConfigError that prevented it; a small stand-in for C++23 std::expected.
template<typename T> class [[nodiscard]] ConfigResult
{
public:
    ConfigResult(T value)
        : m_state(std::in_place_index<0>, std::move(value))
    { }
    ConfigResult(ConfigError error)
        : m_state(std::in_place_index<1>, std::move(error))
    { }

    bool hasValue() const { return m_state.index() == 0; }
    explicit operator bool() const { return hasValue(); }

    const T &value() const & { return std::get<0>(m_state); }
    T &value() & { return std::get<0>(m_state); }
    T &&value() && { return std::get<0>(std::move(m_state)); }
    const T *operator->() const { return &value(); }
    const ConfigError &error() const { return std::get<1>(m_state); }

private:
    std::variant<T, ConfigError> m_state;
};
